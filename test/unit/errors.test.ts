// One error convention: every Dossier error carries a string code (also its name) and a message that
// says how to fix it, and the code is read the same way from a thrown error and from the failure an
// activity raised across Temporal.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { recipientRejected } from '../../activities/errors';
import { FormatError } from '../../activities/format';
import { FontMissingError, UndrawableTextError } from '../../activities/pdf/fonts';
import { TemplateError } from '../../activities/templates';
import { CampaignFileError } from '../../client/campaign-file';
import { ClientErrorCode, DossierClientError, invalidInput } from '../../client/errors';
import { ConfigError } from '../../config/temporal';
import { KeyError } from '../../encryption/keystore';
import { TemporalCliMissingError } from '../../infra/temporal-cli';
import { StoreError, StoreErrorCode } from '../../store/types';
import { DossierError, ErrorType, errorCode } from '../../workflows/errors';

describe('errors', () => {
  it('gives every error class a string code that is also its name', () => {
    const errors: [DossierError, string][] = [
      [new FormatError('Unknown time zone "Mars/Olympus"; use an IANA name such as "UTC".'), 'FormatError'],
      [new TemplateError('templates/email/reminder.yaml is missing; add it.'), 'TemplateError'],
      [new UndrawableTextError('vendor name', '\u{1F600}', ['\u{1F600}']), 'UndrawableText'],
      [new FontMissingError('vendor name', ['김'], [{ file: '/fonts/NotoSansCJK-Regular.ttc', install: 'install fonts-noto-cjk' }]), 'FontMissing'],
      [new CampaignFileError('campaigns/x.yaml', [{ path: ['id'], where: 'id', message: 'is required' }]), 'InvalidCampaignFile'],
      [invalidInput('"2021-13-01" is not a date; write it like 2021-02-03'), ClientErrorCode.InvalidInput],
      [new ConfigError(['TEMPORAL_ADDRESS: "x" must be host:port, e.g. localhost:7233']), 'ConfigError'],
      [new KeyError('MasterKeyMissing', 'No master key: set DOSSIER_MASTER_KEYS'), 'MasterKeyMissing'],
      [new TemporalCliMissingError('The Temporal CLI'), 'TemporalCliMissing'],
      [new StoreError(StoreErrorCode.Unavailable, 'PostgreSQL does not answer; check DATABASE_URL'), 'StoreUnavailable'],
    ];
    for (const [error, code] of errors) {
      expect(error).toBeInstanceOf(DossierError);
      expect([error.code, error.name, errorCode(error)]).toEqual([code, code, code]);
      expect(error.message.length).toBeGreaterThan(10);
    }
    expect(new DossierClientError(ClientErrorCode.NotFound, 'x').code).toBe('NotFound');
  });

  it('reads the code of a failure an activity raised, as it arrives across Temporal', () => {
    const failure = recipientRejected('recipient 1 refused (550)', { recipients: ['gone@vendor.test'], smtpCode: 550 });
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(errorCode(failure)).toBe(ErrorType.RecipientRejected);
    // What crosses a process boundary is plain data: the code survives, the class does not.
    const copied = JSON.parse(JSON.stringify({ code: new ConfigError(['x']).code, message: 'm' }));
    expect(errorCode(copied)).toBe('ConfigError');
    expect(errorCode(new Error('plain'))).toBeUndefined();
    expect(errorCode('text')).toBeUndefined();
  });
});
