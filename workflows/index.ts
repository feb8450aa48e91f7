// Every workflow the Dossier worker runs; the bundler starts from this file.
export { engagement } from './engagement';
export { campaign } from './campaign';
export { campaignRetention } from './retention';
export { officerDigest } from './officer-digest';
export { documentAccess } from './document-access';
