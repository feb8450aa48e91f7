// Search attributes that make engagements findable by stage and by deadline without scanning every
// workflow. Workflow, client and the embedded dev server all register the same keys from here.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { replyToken } from './reply-token';
import { engagementWorkflowId } from './workflow-ids';

export const DossierStage = defineSearchAttributeKey('DossierStage', SearchAttributeType.KEYWORD);
export const DossierNextDeadline = defineSearchAttributeKey('DossierNextDeadline', SearchAttributeType.DATETIME);
export const DossierCampaign = defineSearchAttributeKey('DossierCampaign', SearchAttributeType.KEYWORD);
export const DossierVendor = defineSearchAttributeKey('DossierVendor', SearchAttributeType.KEYWORD);

/** When the vendor was last written to or heard from (engagements of revision 3; older ones keep it in their memo). */
export const DossierLastContact = defineSearchAttributeKey('DossierLastContact', SearchAttributeType.DATETIME);
/** The engine's next automatic step, `<kind> <number> <about>` (`reminder 2 follow-up:1`, `file-copy 1 letter`); see `nextActionKeyword`. */
export const DossierNextAction = defineSearchAttributeKey('DossierNextAction', SearchAttributeType.KEYWORD);
/** When that step is due. */
export const DossierNextActionAt = defineSearchAttributeKey('DossierNextActionAt', SearchAttributeType.DATETIME);

/**
 * The token of the engagement's Reply-To address (`workflows/reply-token.ts`): the intake finds any
 * engagement, ended ones too, by the address a reply was sent to, with one visibility query. Set at
 * start by starters of this version; older engagements lack it.
 */
export const DossierReplyToken = defineSearchAttributeKey('DossierReplyToken', SearchAttributeType.KEYWORD);

export const DOSSIER_SEARCH_ATTRIBUTES = [
  DossierStage,
  DossierNextDeadline,
  DossierCampaign,
  DossierVendor,
  DossierLastContact,
  DossierNextAction,
  DossierNextActionAt,
  DossierReplyToken,
];

/**
 * What an engagement's starter (client or campaign) sets when it starts one: listed from its first
 * moment, and the engagement need not upsert them in its first workflow task.
 */
export function engagementStartAttributes(campaignId: string, vendorId: string): SearchAttributePair[] {
  return [
    { key: DossierCampaign, value: campaignId },
    { key: DossierVendor, value: vendorId },
    { key: DossierStage, value: 'sending-letter' },
    { key: DossierReplyToken, value: replyToken(engagementWorkflowId(campaignId, vendorId)) },
  ];
}
