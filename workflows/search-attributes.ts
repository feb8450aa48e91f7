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
 * Set (true) while a reply the intake recorded waits for an officer's review, whatever the stage, so
 * the board marks the case; absent otherwise. Engagements of revision 9 list it, older ones once a
 * reply arrives (`board-reply-waiting`). Boolean: SQL visibility stores at most three date attributes, all taken.
 */
export const DossierReplyWaiting = defineSearchAttributeKey('DossierReplyWaiting', SearchAttributeType.BOOL);

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
  DossierReplyWaiting,
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
