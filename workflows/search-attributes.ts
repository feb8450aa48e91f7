// Search attributes that make engagements findable by stage and by deadline without scanning every
// workflow. Workflow, client and the embedded dev server all register the same keys from here.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DossierStage = defineSearchAttributeKey('DossierStage', SearchAttributeType.KEYWORD);
export const DossierNextDeadline = defineSearchAttributeKey('DossierNextDeadline', SearchAttributeType.DATETIME);
export const DossierCampaign = defineSearchAttributeKey('DossierCampaign', SearchAttributeType.KEYWORD);
export const DossierVendor = defineSearchAttributeKey('DossierVendor', SearchAttributeType.KEYWORD);

export const DOSSIER_SEARCH_ATTRIBUTES = [DossierStage, DossierNextDeadline, DossierCampaign, DossierVendor];
