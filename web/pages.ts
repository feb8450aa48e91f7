// The workspace's pages and actions. Each handler checks the user's permission first, then reads
// through the typed client API (one visibility list for a board, one query for an engagement) or
// sends one update with the signed-in identity as the actor; a refusal from the workflow comes back
// as the form's error, in the workflow's own words.
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { engagementQuery, type DossierClient, type EngagementFilter, type EngagementPage, type EngagementRef, type EngagementSummary, type UpdateOptions } from '../client/api';
import { withLateReplies } from '../client/late-replies';
import type { AuditTrail } from '../client/audit';
import type { Client } from '@temporalio/client';
import { CampaignFileError, parseCampaignYaml } from '../client/campaign-file';
import { cliWords } from '../client/cli-words';
import { fileProblemWords, type FileProblem } from '../client/file-problem-words';
import { deliveryFailureText } from '../client/delivery-failures';
import { notMailedText } from '../client/not-mailed';
import { messageNotes } from '../intake/inbound-notes';
import type { HeldWhy } from '../intake/held-reason';
import { CLAIM_LIFETIME_MINUTES, type HeldFate, type HeldMessageContent } from '../intake/intake';
import { UNSORTED_ACCESS_WORKFLOW_ID } from '../workflows/workflow-ids';
import { formatCount, formatSize } from '../intake/wording';
import { attachedFile, MAX_ATTACHED_FILE_BYTES, recordResponseWithFiles, tooLargeToAttach } from '../client/response-files';
import { casesOfSender, type SenderAnswer } from './held-sender';
import { ClientErrorCode, DossierClientError } from '../client/errors';
import { DocumentError } from '../documents/document-store';
import type { CampaignStatus, DocumentDownloadedInput, EngagementStatus } from '../workflows/messages';
import { approvalPublishes, statementApproved, type CampaignBoardView } from '../client/campaign-api';
import { letterCopyRefusal } from '../client/letter-copy';
import { letterCopyStep } from '../workflows/campaign-state';
import {
  CONTACT_CHANGES,
  DEMONSTRATION_RESULTS,
  DECIDED_STAGES,
  ENGAGEMENT_STAGES,
  ID_PATTERN,
  FINAL_STAGES,
  campaignTimeZone,
  LANGUAGES,
  OPEN_CASE_ACTIONS,
  PRINCIPLES,
  publicText,
  type OpenCaseAction,
  type OpenCaseDecision,
  type ContactChange,
  type DemonstrationResult,
  type DocumentRef,
  type DecidedStage,
  type EngagementStage,
  type Findings,
  type Authority,
  type Bilingual,
  type Language,
  type RecordedText,
  type StatementDraft,
  type StatementText,
  type VendorPublicText,
} from '../workflows/types';
import { can } from './access';
import { actorName, allowed, AccessRefused, signedIn, type HoldingPen, type WebDeps, type WebEnv } from './app';
import { authorityReading, AuthorityNames } from '../client/authority-names';
import { chosenFiles, FormProblem, FormReader, MAX_RESPONSE_FILES_BYTES, megabytes, textFields, type FieldErrors } from './forms';
import { missingTextWords, refusalWords, refusedFields, wordedRefusal, type RefusalWording } from './refusals';
import { REFUSALS, refusalDetails, refusalOfAll, type RefusalDetails } from '../workflows/refusals';
import { stepKind } from '../workflows/timeline';
import { wellFormed } from '../workflows/text-rules';
import { stageAsDecided, vendorsShownAs } from '../workflows/campaign-rules';
import { acceptsAnswers, acceptsConclusion, acceptsDemonstration, acceptsExtension, acceptsFollowUpQuestions, acceptsResponse, RESPONSE_STAGES, textLimitStopsQuestions } from '../workflows/engagement-rules';
import type { SignedInUser } from './session';
import type { RefusedForm } from './refused-forms';
import { changesView } from './text-diff';
import { actorWords, entryWords, wordTimeline, type WordedEntry } from './timeline';
import { leadDecisionOf, withdrawalReasonIn, withdrawalReasonMarked } from '../client/withdrawal-reason';
import { type Views } from './views';

interface PageDeps extends WebDeps {
  views: Views;
  page(c: Context<WebEnv>, name: string, view: object): string;
  /** Keeps a refused form for the page `to` and sends the browser there (app.ts, web/refused-forms.ts). */
  refusedThen(c: Context<WebEnv>, to: string, refused: RefusedForm): Promise<Response>;
  /** The refused form kept for the page asked for, if any, taken. */
  takeRefused(c: Context<WebEnv>): Promise<RefusedForm | undefined>;
}

const DAY_MS = 86_400_000;

interface SubmittedForm {
  action: string;
  errors: FieldErrors;
  values: Record<string, string>;
}
/**
 * What a held message's page says of its sender's case: the sentence (`key`, with its values), the
 * assign form's choice it makes, if any, and the ended case it proposes for a late reply.
 */
interface SenderHint {
  key: string;
  vendor?: string;
  campaign?: string;
  domain?: string;
  cases?: string;
  chosen?: string;
  /** Sentences said after it: what an ended or a failed case among several takes. */
  notes?: string[];
  /** The sender's ended case, for the form that attaches a late reply: its list's value, and its ids for a form with no list or one without it. */
  late?: { engagement?: string; campaign?: string; vendor?: string };
}
const MAX_CAMPAIGN_FILE_BYTES = 1_000_000;
const BOARD_SORTS = ['vendor', 'stage', 'deadline', 'contact', 'action'] as const;
const BOARD_SORT_LABELS: Record<(typeof BOARD_SORTS)[number], string> = {
  vendor: 'board.vendor',
  stage: 'board.stage',
  deadline: 'board.deadline',
  contact: 'board.last-contact',
  action: 'board.next-action',
};
/** Rows per board page: enough to scan, few enough that a page answers in well under 300 ms. */
const BOARD_PAGE_SIZE = 100;
/** How long a holding-pen page waits for its campaign's board (or the unsorted pen's list of ended cases) before showing its mail without it. */
const HELD_CAMPAIGN_QUERY_MS = 5_000;
/** The list of ended cases' choice that names the case by its ids in the fields below it. */
const OTHER_ENDED_CASE = 'by-ids';
/** How often the statement page reads the campaign again while a newer version keeps coming between its reads. */
const STATEMENT_PAGE_READS = 5;

export function registerPages(app: Hono<WebEnv>, deps: PageDeps): void {
  const { views, page } = deps;
  const now = () => deps.now?.() ?? new Date();
  const title = (c: Context<WebEnv>, key: string, values?: object) => views.text(c.get('language'), key, values);
  /**
   * A campaign as a person reads it: its title in the page's language, from its memo or its
   * engagements' input; its id for a campaign started before its title was kept. Forms and links keep the id.
   */
  const campaignName = (c: Context<WebEnv>, named: Bilingual | undefined, campaignId: string) => named?.[c.get('language')]?.trim() || campaignId;
  /** A campaign among others in one list: its name and its id, since two campaigns may share a title. */
  const campaignInList = (c: Context<WebEnv>, named: Bilingual | undefined, campaignId: string) => {
    const name = campaignName(c, named, campaignId);
    return name === campaignId ? name : views.text(c.get('language'), 'held.campaign-in-list', { name, id: campaignId });
  };

  /**
   * A refusal's words: in the page's language, dates in `timeZone`, by the code it carries or, from an
   * older worker, by its sentence (web/refusals.ts); otherwise as it came, marked as English on a page
   * in another language, so a screen reader reads it as English (partials/field-error.hbs).
   */
  const refusalText = (message: string, language: Language, timeZone = 'UTC', refusal?: RefusalDetails, wording: RefusalWording = views): { text: string; lang?: string } => {
    const text = refusalWords(message, refusal, language, timeZone, wording);
    return text !== undefined ? { text } : { text: message, ...(language !== 'en' ? { lang: 'en' } : {}) };
  };

  /** A step by the kind of message it sent, in the page's language; a step this release does not name, as its code, marked English. */
  const stepWords = (step: string, language: Language): { text: string; lang?: string } => {
    const kind = stepKind(step);
    return kind ? { text: views.text(language, `message.${kind}`) } : { text: step, ...(language !== 'en' ? { lang: 'en' } : {}) };
  };

  /**
   * A campaign's pages word its refusals and missing texts as a person reads them: each vendor by its
   * name, where the workflow gives its id, and each text by the form it is written in, not the CLI's file.
   */
  const campaignWording = (status: Pick<CampaignStatus, 'engagements'>): RefusalWording => ({
    text: (language, key, values) => views.text(language, key, values),
    date: (value, language, timeZone) => views.date(value, language, timeZone),
    dateTime: (value, language, timeZone) => views.dateTime(value, language, timeZone),
    principle: (principle, language) => views.principle(principle, language),
    page: { vendorName: (vendorId) => status.engagements.find((e) => e.vendorId === vendorId)?.vendorName ?? vendorId },
  });

  /**
   * The texts the next version still lacks, each in the page's language; a worker that lists them
   * only in English (an older release), or a text this release cannot name, as written, marked English.
   */
  const missingTextsView = (status: CampaignStatus, language: Language): { text: string; lang?: string }[] => {
    const wording = campaignWording(status);
    const english = (text: string) => ({ text, ...(language !== 'en' ? { lang: 'en' } : {}) });
    const written = status.missingTexts ?? [];
    if (!status.missingTextList) return written.map(english);
    const listed = status.missingTextList.map((m, i) => {
      const text = missingTextWords(m, language, wording);
      return text !== undefined ? { text } : english(written[i] ?? m.field);
    });
    const more = (status.missingTextCount ?? listed.length) - listed.length;
    const count = new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB').format(more);
    return more > 0 ? [...listed, { text: views.text(language, 'missing-text.more', { count }) }] : listed;
  };

  /**
   * A form sent back: its values and errors under the action's name, so same-named fields of other
   * forms stay empty; a refusal is worded by `refusalText`.
   */
  const formView = (form: SubmittedForm | undefined, language: Language, timeZone?: string, wording: RefusalWording = views) =>
    form
      ? {
          form: { [form.action]: true },
          values: { [form.action]: form.values },
          errors: {
            [form.action]: Object.fromEntries(
              Object.entries(form.errors).map(([field, e]) => [
                field,
                e.message !== undefined ? refusalText(e.message, language, timeZone, e.refusal, wording) : { text: views.text(language, e.key!, e.values) },
              ]),
            ),
          },
        }
      : {};

  const word = (language: Language, key: string, values: object = {}) => views.text(language, key, values);
  /**
   * Files larger than a document may be, each named with its size. The size is rounded up, so a file
   * just over the limit does not read as within it ("25.1 MB", not "25.0 MB").
   */
  const tooLargeError = (files: File[], language: Language): FieldErrors[string] => {
    const tenth = 1024 * 1024 / 10;
    const named = (f: File) => ({ name: word(language, 'punctuation.quoted', { text: f.name }), size: formatSize(Math.ceil(f.size / tenth) * tenth, language, word) });
    const max = megabytes(MAX_ATTACHED_FILE_BYTES, language, word);
    if (files.length === 1) return { key: 'form.document-too-large', values: { ...named(files[0]!), max } };
    const list = files.map((f) => word(language, 'form.document-sized', named(f))).join(word(language, 'punctuation.list'));
    return { key: 'form.documents-too-large', values: { files: list, max } };
  };

  app.get('/', (c) => c.redirect('/campaigns', 303));

  // ── Campaigns ────────────────────────────────────────────────────────────────────────────────

  app.get('/campaigns', async (c) => {
    const user = signedIn(c);
    const [dossier, campaigns] = await Promise.all([deps.dossier(), deps.campaigns()]);
    const found = await dossier.findCampaigns({ all: true, limit: 200 });
    let rows = found.map((f) => ({ ...f, name: campaignName(c, f.title, f.campaignId), running: f.executionStatus === 'RUNNING' }));
    if (!can(user.roles, 'read-cases')) {
      // A co-signatory sees only the statements its authority signs, and nothing else of a campaign.
      // The campaign's memo says who signs and whether a version is drafted: only a campaign started
      // before it said so is asked for its statement (one query each, up to the list's 200).
      const signers = await Promise.all(
        rows.map(async (r) =>
          r.statementDrafted === undefined ? (await campaigns.statement(r.campaignId).catch(() => undefined))?.campaign.authorities : r.statementDrafted ? r.authorities : undefined,
        ),
      );
      const mine = signers.map((list) => (user.authorityId ? list?.find((a) => a.id === user.authorityId) : undefined));
      rows = rows.filter((_, i) => mine[i]);
      rememberAuthority(c, mine.find(Boolean));
    } else if (user.authorityId) {
      // A lead who also signs: its authority's name from the listing's memos, so the header names it here too.
      rememberAuthority(c, found.flatMap((f) => f.authorities ?? []).find((a) => a.id === user.authorityId));
    }
    return c.html(
      page(c, 'campaigns', {
        title: title(c, 'campaigns.title'),
        campaigns: rows,
        canStart: can(user.roles, 'steer-campaigns'),
        canAct: can(user.roles, 'act-on-engagements'),
        canAudit: can(user.roles, 'export-audit'),
        statementsOnly: !can(user.roles, 'read-cases'),
      }),
    );
  });

  app.get('/campaigns/new', async (c) => {
    allowed(c, 'steer-campaigns');
    const refused = await deps.takeRefused(c);
    const confirm = refused?.extra?.confirm as { file: string; problem?: 'not-ticked' | 'other-file' } | undefined;
    const error = confirm?.problem && { text: title(c, `campaign-new.confirm-${confirm.problem}`, { file: confirm.file }) };
    return c.html(
      page(c, 'campaign-new', {
        title: title(c, 'campaign-new.title'),
        problems: refused?.extra?.problems,
        confirm: confirm && { ...confirm, question: title(c, 'campaign-new.confirm-question', { file: confirm.file }), error },
        // Under the form's name, as a refused form's are: the page's title then says it is an error.
        ...(error ? { errors: { start: { confirm: error } } } : {}),
      }),
      refused?.status ?? 200,
    );
  });

  app.post('/campaigns', async (c) => {
    const user = allowed(c, 'steer-campaigns');
    const file = c.get('body').campaignFile;
    // The file's problems are the parser's and the workflow's English words: worded in the page's
    // language by their refusal code as `refusalText` words refusals, or by their own code as the
    // CLI words a file's problems (client/file-problem-words.ts), else marked as English; `worded`:
    // the page's own sentence.
    const show = (problems: (FileProblem & { where: string; message: string; line?: number; column?: number; refusal?: RefusalDetails })[], status: 400 | 409 | 422, { worded = false } = {}) =>
      deps.refusedThen(c, '/campaigns/new', {
        status,
        extra: {
          problems: problems.map((p) => {
            if (worded) return p;
            const fileWords = p.refusal ? undefined : fileProblemWords(p, cliWords(c.get('language')));
            if (fileWords) return { where: p.where, line: p.line, column: p.column, message: fileWords };
            const { refusal, ...problem } = p;
            const { text, lang } = refusalText(p.message, c.get('language'), undefined, refusal);
            // A refusal that names where in the file (`vendors[2]`, or the file itself) says it in its sentence.
            const placed = !lang && refusal && Object.values(REFUSALS[refusal.refusal] as Record<string, string>).includes('path');
            return { ...problem, ...(placed ? { where: undefined } : {}), message: text, lang };
          }),
        },
      });
    // A file checked but not yet confirmed comes back as its text, kept in the form (a file input cannot be given one).
    const body = c.get('body');
    const keptText = typeof body.campaignText === 'string' && body.campaignText ? body.campaignText : undefined;
    const chosen = file instanceof File && file.size > 0 ? file : undefined;
    if (!chosen && keptText === undefined) return show([{ where: '(file)', message: title(c, 'campaign-new.no-file') }], 400, { worded: true });
    const fileName = chosen ? chosen.name || 'campaign.yaml' : typeof body.campaignFileName === 'string' && body.campaignFileName ? body.campaignFileName : 'campaign.yaml';
    const tooBig = () => show([{ where: '(file)', message: title(c, 'campaign-new.too-big', { max: MAX_CAMPAIGN_FILE_BYTES }) }], 400, { worded: true });
    if (chosen && chosen.size > MAX_CAMPAIGN_FILE_BYTES) return tooBig();
    // One kind of line end: a browser sends a kept text back with CRLF, which must not make it another
    // file, nor a larger one than was uploaded.
    const text = (chosen ? await chosen.text() : keptText!).replace(/\r\n?/g, '\n');
    if (Buffer.byteLength(text) > MAX_CAMPAIGN_FILE_BYTES) return tooBig();
    let input;
    try {
      input = parseCampaignYaml(text, fileName);
    } catch (err) {
      if (err instanceof CampaignFileError) return show(err.problems, 422);
      throw err;
    }
    // Starting sends the open letters at once, for good: only with the confirmation ticked on the form
    // that named the companies they go to for this very file (its digest, `confirms`), so what was
    // confirmed is what goes out. Otherwise the file is asked about: as a question the first time, as
    // an error when that form came back unticked or with another file.
    const digest = createHash('sha256').update(text).digest('hex');
    const confirmedFor = typeof body.confirms === 'string' && body.confirms ? body.confirms : undefined;
    if (body.confirm !== 'yes' || confirmedFor !== digest) {
      const problem = confirmedFor === undefined ? undefined : confirmedFor !== digest ? 'other-file' : 'not-ticked';
      return deps.refusedThen(c, '/campaigns/new', {
        status: problem ? 422 : 200,
        extra: { confirm: { file: fileName, text, digest, count: input.vendors.length, vendors: input.vendors.map((v) => v.name).join(title(c, 'punctuation.list')), problem } },
      });
    }
    try {
      await (await deps.campaigns()).start(input, { by: actorName(user) });
    } catch (err) {
      if (err instanceof DossierClientError && err.code !== ClientErrorCode.ServerUnreachable) {
        const refusal = refusalDetails(err);
        return show([{ where: input.campaign.id, message: err.message, ...(refusal ? { refusal } : {}) }], err.code === ClientErrorCode.AlreadyStarted ? 409 : 422);
      }
      throw err;
    }
    return c.redirect(`/campaigns/${input.campaign.id}`, 303);
  });

  // ── The board: one row per vendor, from one visibility list and the campaign's own status ────────

  // A page of rows at a time: the visibility server's cost grows with every row it returns (about
  // 1 s for 1,000 on the dev server), so the board reads only the rows it shows. Unsorted, a page is
  // one visibility page in the server's own order (open engagements first, the most recently started
  // first: SQL visibility sorts by nothing else) and the next page follows its token. Sorted by a
  // column, the order must span every matching vendor, so that view reads them all, then shows a page.
  //
  // The server's page token, signed: a link the board did not give out is refused at once, without
  // asking the server (which answers a malformed token with an internal error, retried for seconds).
  const pageLinks = pageLinkSigner(deps.config.sessionSecret);
  /** A board page's title: its campaign, which rows and, sorted, by which column, as its table's caption and description say. */
  const boardTitle = (c: Context<WebEnv>, campaign: string, range: { first: number; last: number; matching: number } | undefined, sort: (typeof BOARD_SORTS)[number] | undefined, descending: boolean) => {
    if (!range) return title(c, 'board.head-no-rows', { title: campaign });
    const rows = title(c, 'board.head-rows', { title: campaign, ...range });
    return sort ? title(c, descending ? 'board.head-sorted-descending' : 'board.head-sorted', { rows, column: title(c, BOARD_SORT_LABELS[sort]) }) : rows;
  };

  const noSuchPage = (c: Context<WebEnv>) => c.html(page(c, 'error', { title: title(c, 'error.not-found.title'), messageKey: 'board.no-such-page' }), 400);

  app.get('/campaigns/:campaign', async (c) => {
    const user = allowed(c, 'read-cases');
    const campaignId = c.req.param('campaign');
    const stageParam = c.req.query('stage');
    const shownStage = (BOARD_STAGES as readonly string[]).includes(stageParam ?? '') ? (stageParam as BoardStage) : undefined;
    // Closed by the lead and excluded are withdrawn engagements, told apart by the campaign's decisions:
    // the campaign names the vendors it decided on, and visibility is asked for those (or all but those).
    const byDecision = shownStage === 'withdrawn' || (DECIDED_STAGES as readonly string[]).includes(shownStage ?? '');
    const stage: EngagementStage | undefined = byDecision ? 'withdrawn' : (shownStage as EngagementStage | undefined);
    const overdue = c.req.query('overdue') === '1';
    const sortParam = c.req.query('sort');
    const sort = (BOARD_SORTS as readonly string[]).includes(sortParam ?? '') ? (sortParam as (typeof BOARD_SORTS)[number]) : undefined;
    const descending = sort !== undefined && c.req.query('dir') === 'desc';
    const pageParam = sort ? undefined : c.req.query('page') || undefined;
    const pageToken = pageParam === undefined ? undefined : pageLinks.open(pageParam);
    if (pageParam !== undefined && pageToken === undefined) return noSuchPage(c);
    // Sorted, where the page starts; unsorted, only how the rows are numbered (the token says where),
    // so without a token (a link of the row paging a filtered board had before) it is the first page.
    const from = sort || pageToken !== undefined ? Math.max(0, Math.floor(Number(c.req.query('from')) || 0)) : 0;
    const pageSize = deps.boardPageSize ?? BOARD_PAGE_SIZE;
    const at = now();
    const [dossier, campaigns] = await Promise.all([deps.dossier(), deps.campaigns()]);
    // Where a board's time goes, for the bench and the browser's network panel (Server-Timing).
    const timing = new Timing();
    let found: EngagementSummary[];
    let matching: number;
    let nextPage: string | undefined;
    let board: CampaignBoardView;
    /** The visibility query asked; none when the lead decided so on no vendor. */
    let query: string | undefined;
    try {
      // Filtered on a stage the lead's decisions give, the campaign is asked first: its decisions make the query.
      const decided = byDecision ? await timing.time('campaign', () => campaigns.board(campaignId)) : undefined;
      const vendors = decided && vendorsShownAs(shownStage as 'withdrawn' | DecidedStage, decided.endedByLead);
      const filter: EngagementFilter = {
        campaign: campaignId,
        stage,
        overdue,
        now: at,
        ...(vendors && ('only' in vendors ? { vendorIn: vendors.only } : { vendorNotIn: vendors.except })),
      };
      const boardNow = () => decided ?? timing.time('campaign', () => campaigns.board(campaignId));
      if (vendors && 'only' in vendors && !vendors.only.length) {
        // The lead decided so on no vendor: nothing to ask visibility.
        [board, found, matching] = [await boardNow(), [], 0];
      } else if (sort) {
        query = engagementQuery(filter);
        let all: EngagementSummary[];
        [board, all] = await Promise.all([boardNow(), timing.time('list', () => dossier.findEngagements({ ...filter, limit: 100_000 }))]);
        found = all;
        matching = all.length;
      } else {
        query = engagementQuery(filter);
        let listed: EngagementPage;
        [board, listed, matching] = await Promise.all([
          boardNow(),
          timing.time('list', () => dossier.findEngagementsPage(filter, { pageSize, page: pageToken })),
          timing.time('count', () => dossier.countMatching(filter)),
        ]);
        found = listed.engagements;
        nextPage = listed.nextPage;
      }
    } catch (err) {
      if (err instanceof DossierClientError && err.code === ClientErrorCode.InvalidInput && pageToken !== undefined) return noSuchPage(c);
      throw err;
    }
    const timeZone = board.timeZone ?? 'UTC';
    let rows = await timing.time('rows', async () => boardRows(board.vendorNames, found, at, c.get('language'), views, timeZone, board.endedByLead));
    if (sort) {
      rows.sort(compareRows(sort));
      if (descending) rows.reverse();
      rows = rows.slice(from, from + pageSize);
    }
    const filterParams = { ...(shownStage ? { stage: shownStage } : {}), ...(overdue ? { overdue: '1' } : {}) };
    const link = (params: Record<string, string>) => `?${new URLSearchParams({ ...filterParams, ...params })}`;
    const sortLinks = Object.fromEntries(
      BOARD_SORTS.map((s) => [
        s,
        {
          href: link({ sort: s, ...(s === sort && !descending ? { dir: 'desc' } : {}) }),
          current: s === sort ? (descending ? 'descending' : 'ascending') : undefined,
        },
      ]),
    );
    const sorted = sort ? { sort, ...(descending ? { dir: 'desc' } : {}) } : {};
    const pages = {
      first: from > 0 || pageToken !== undefined ? link(sorted) : undefined,
      previous: sort && from > 0 ? link({ ...sorted, ...(from > pageSize ? { from: String(from - pageSize) } : {}) }) : undefined,
      next: sort
        ? from + pageSize < matching ? link({ ...sorted, from: String(from + pageSize) }) : undefined
        : // The server hands out a token after every full page, even the last one: the count says whether more follow.
          nextPage && from + rows.length < matching ? link({ page: pageLinks.sign(nextPage), from: String(from + rows.length) }) : undefined,
    };
    // Headed by its title; a campaign started before its title was kept, by its id.
    const heading = board.title ? campaignName(c, board.title, campaignId) : title(c, 'board.title', { campaign: campaignId });
    const html = await timing.time('render', async () =>
      page(c, 'board', {
        title: heading,
        headTitle: boardTitle(c, heading, rows.length ? { first: from + 1, last: from + rows.length, matching } : undefined, sort, descending),
        campaign: board,
        timeZone,
        rows,
        stages: BOARD_STAGES.map((s) => ({ value: s, selected: s === shownStage, key: `stage.${s}` })),
        overdue,
        sortLinks,
        sort,
        descending,
        sortedBy: sort && views.text(c.get('language'), BOARD_SORT_LABELS[sort]),
        range: rows.length ? { first: from + 1, last: from + rows.length } : undefined,
        matching,
        total: board.engagementCount,
        // Unfiltered, every engagement the campaign started should be listed: those that are not have
        // just started (visibility lags a moment) or closed before the server's retention.
        unlisted: !stage && !overdue && matching < board.engagementCount ? board.engagementCount - matching : undefined,
        pages: pages.first || pages.previous || pages.next ? pages : undefined,
        canSteer: can(user.roles, 'steer-campaigns'),
        canAct: can(user.roles, 'act-on-engagements'),
        canAudit: can(user.roles, 'export-audit'),
        query,
        // Reached through the board's own sort, page or filter controls: the reloaded page starts on
        // the table, whose caption and description say which rows and in what order, not at the top.
        reordered: ['sort', 'page', 'from', 'stage', 'overdue'].some((p) => c.req.query(p) !== undefined),
      }),
    );
    c.header('Server-Timing', timing.header());
    return c.html(html);
  });

  // ── The audit trail, as the CLI's `audit` exports it ──────────────────────────────────────────

  /**
   * A trail as the file its route names (`audit.csv` or `audit.pdf`), in the reader's language, saved
   * as `audit-<named>`. The audit modules load on first use: the PDF kit is heavy and most pages need none of it.
   */
  async function auditDownload(c: Context<WebEnv>, named: string, collect: (audit: typeof import('../client/audit'), client: Client) => Promise<AuditTrail>): Promise<Response> {
    allowed(c, 'export-audit');
    const format = c.req.param('file')!.endsWith('.pdf') ? 'pdf' : 'csv';
    const [audit, { auditCsv, auditPdf }] = await Promise.all([import('../client/audit'), import('../client/audit-report')]);
    const trail = await collect(audit, (await deps.campaigns()).client);
    const language = c.get('language');
    const bytes = format === 'csv' ? auditCsv(trail, { language }) : await auditPdf(trail, { language, exportedAt: now().toISOString() });
    c.header('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf');
    c.header('Content-Disposition', `attachment; filename="audit-${named}.${format}"`);
    return c.body(new Uint8Array(bytes));
  }

  app.get('/campaigns/:campaign/audit/:file{audit\\.(csv|pdf)}', (c) => {
    const campaignId = c.req.param('campaign');
    return auditDownload(c, campaignId, ({ collectAuditTrail }, client) => collectAuditTrail(client, { campaignId }, '', { lateReplies: deps.lateReplies }));
  });

  // One engagement's trail, as `audit <campaign> <vendor>` exports it: what a request about one company asks for.
  app.get('/campaigns/:campaign/engagements/:vendor/audit/:file{audit\\.(csv|pdf)}', (c) => {
    const campaignId = c.req.param('campaign');
    const vendorId = c.req.param('vendor');
    return auditDownload(c, `${campaignId}-${vendorId}`, ({ collectAuditTrail }, client) => collectAuditTrail(client, { campaignId, vendorId }, '', { lateReplies: deps.lateReplies }));
  });

  // The downloads from the holding pen of mail that names no campaign (`audit --unsorted`): no
  // campaign's export holds those made before a message was given to a case, or of one never given.
  app.get('/held/unsorted/audit/:file{audit\\.(csv|pdf)}', (c) => auditDownload(c, UNSORTED_ACCESS_WORKFLOW_ID, ({ collectUnsortedDownloads }, client) => collectUnsortedDownloads(client)));

  // ── One engagement ─────────────────────────────────────────────────────────────────────────────

  /** The engagement's record: its status, with the replies attached to it once it had ended (client/late-replies.ts). */
  const recordOf = async (dossier: DossierClient, ref: EngagementRef) => {
    const [status, late] = await Promise.all([dossier.status(ref), deps.lateReplies?.(ref) ?? []]);
    return withLateReplies(status, late);
  };

  /**
   * The lead's decision at drafting on a withdrawn engagement (closed or excluded), from its campaign's
   * board; a campaign that does not answer in time (its worker down) leaves the page saying withdrawn.
   */
  const engagementPage = async (c: Context<WebEnv>, ref: EngagementRef, form?: SubmittedForm) => {
    const user = allowed(c, 'read-cases');
    const dossier = await deps.dossier();
    const [status, { timeZone, title: campaignTitle }] = await Promise.all([recordOf(dossier, ref), dossier.campaignOf(ref)]);
    // A case the lead closed or excluded at drafting reads so, its reason in the reader's language where the
    // lead gave both. Asked only of a withdrawn case; a campaign out of reach leaves stage and reason as recorded.
    const decision = await deps.campaigns().then((campaigns) => leadDecisionOf(campaigns, ref, status, { timeoutMs: DECISION_TIMEOUT_MS }), () => undefined);
    const given = decision?.reason;
    const reason = status.withdrawalReason === undefined ? undefined : withdrawalReasonIn(status.withdrawalReason, given, c.get('language'));
    const view = engagementView(status, user, takeNotice(c), form, decision?.action, deps.receivedDocument !== undefined);
    const sent = formView(form, c.get('language'), timeZone);
    // Each pending demonstration has its own outcome and reschedule forms under the same field
    // names: a refused one is given back, values and errors, on the demonstration it named only.
    const sentFor = (action: string, id: string) =>
      form?.action === action && form.values.demonstrationId === id ? { values: sent.values![action], errors: sent.errors![action] } : undefined;
    return page(c, 'engagement', {
      title: title(c, 'engagement.title', { vendor: status.vendorName }),
      campaignName: campaignName(c, campaignTitle, status.campaignId),
      // Dates shown and typed in the campaign's zone, as its letters print them.
      timeZone,
      ...view,
      canAudit: can(user.roles, 'export-audit'),
      // The workflow records its timeline in English; the page reads each entry in its reader's words.
      timeline: withdrawalReasonMarked(
        subjectsMarked(wordTimeline(status.timeline, c.get('language'), timeZone, views, status.deliveryFailures), status),
        status.timeline,
        given,
        c.get('language'),
        decision && { withdrawn: views.text(c.get('language'), 'timeline.withdrawn'), as: views.text(c.get('language'), `timeline.${stageAsDecided('withdrawn', decision.action)}`) },
      ),
      // Marked with its language only where it is not the page's (WCAG 3.1.2).
      withdrawal: reason && { text: reason.text, lang: reason.lang !== c.get('language') ? reason.lang : undefined },
      correspondence: view.correspondence.map((t) => ({ ...t, what: entryWords(t, c.get('language'), timeZone, views, status.deliveryFailures) })),
      deliveryFailures: status.deliveryFailures.map((f) => ({
        ...f,
        ...deliveryFailureText(f, c.get('language'), (language, key, values) => views.text(language, key, values)),
        stepName: stepWords(f.step, c.get('language')),
      })),
      ...sent,
      // The respond form's file input, where the workspace keeps documents, its hint the sizes it takes;
      // after a refused form, the names of the files it had, to be chosen again.
      uploads: deps.keepDocuments && { perFile: megabytes(MAX_ATTACHED_FILE_BYTES, c.get('language'), word), together: megabytes(MAX_RESPONSE_FILES_BYTES, c.get('language'), word) },
      documentsAgain:
        form?.action === 'respond' && form.values.documents
          ? form.values.documents.split('\n').map((name) => word(c.get('language'), 'punctuation.quoted', { text: name })).join(word(c.get('language'), 'punctuation.list'))
          : undefined,
      pendingDemonstrations: view.pendingDemonstrations.map((d) => ({ ...d, outcomeForm: sentFor('demo-outcome', d.id), rescheduleForm: sentFor('reschedule-demo', d.id) })),
      // Likewise each reply to review: its confirm forms (as the response, as answers) and its dismissal.
      repliesToReview: view.repliesToReview.map((m) => {
        const sentOn = (action: string, as?: string) =>
          form?.action === action && form.values.messageId === m.messageId && (as === undefined || (form.values.as === 'answers' ? 'answers' : 'response') === as)
            ? { values: sent.values![action], errors: sent.errors![action] }
            : undefined;
        const forms = { responseForm: sentOn('confirm-reply', 'response'), answersForm: sentOn('confirm-reply', 'answers'), dismissForm: sentOn('dismiss-reply') };
        return { ...m, ...forms, open: Object.values(forms).some(Boolean) };
      }),
    });
  };

  app.get('/campaigns/:campaign/engagements/:vendor', async (c) => {
    const refused = await deps.takeRefused(c);
    return c.html(await engagementPage(c, refOf(c), refused?.form), refused?.status ?? 200);
  });

  app.post('/campaigns/:campaign/engagements/:vendor/:action', async (c) => {
    const user = allowed(c, 'act-on-engagements');
    const ref = refOf(c);
    const action = c.req.param('action');
    const values = textFields(c.get('body'));
    const by = actorName(user);
    const dossier = await deps.dossier();
    // A day typed in a form is a day in the campaign's zone, as the page shows its dates.
    const form = new FormReader(values, await dossier.campaignTimeZone(ref));
    const once = submittedOnce(action, values, user, deps.config.sessionSecret);
    // Withdrawing and concluding end the case for good: each is sent only with its form's confirmation
    // ticked (WCAG 3.3.4), checked here so that a POST without it changes nothing, whatever sent it.
    const confirmed = (key: string) => {
      if (values.confirm !== 'yes') form.errors.confirm = { key };
    };
    // Where a refusal is shown: the field its words name, else the one the officer most likely has to change.
    const main: Record<string, FieldPlacement> = {
      respond: ['summary', [/receiv/i, 'receivedAt'], [/attach/i, 'attachments']],
      extend: ['dueDate', [/reason/i, 'reason'], [/round/i, 'round'], [/extension|working days|how much longer/i, 'extendBy']],
      ask: ['questions', [/due/i, 'dueDate']],
      answer: ['answers'],
      'schedule-demo': ['at', [/duration/i, 'durationMinutes'], [/attendee|email/i, 'attendees'], [/topic/i, 'topics'], [/location/i, 'location'], [/meeting link/i, 'meetingUrl']],
      'reschedule-demo': ['at', [/reason/i, 'reason'], [/location/i, 'location'], [/meeting link/i, 'meetingUrl']],
      'demo-outcome': ['notes', [/^result must be\b/, 'result']],
      conclude: ['findings'],
      withdraw: ['reason'],
      'correct-contact': ['email', [/name of contact/i, 'name'], [/reason/i, 'reason']],
      'change-contacts': ['contacts', [/reason/i, 'reason'], [/add or replace|added to the present|at most \d+ contacts/i, 'mode']],
      'confirm-reply': ['summary', [/question|answer/i, 'questions']],
      'dismiss-reply': ['reason'],
    };
    if (!(action in main)) return c.html(page(c, 'error', { title: title(c, 'error.not-found.title'), messageKey: 'error.no-page' }), 404);
    try {
      switch (action) {
        case 'respond': {
          const input = {
            by,
            summary: form.text('summary'),
            attachments: form.lines('attachments', { optional: true }),
            receivedAt: form.instant('receivedAt', { optional: true, keepDay: true }) ?? now().toISOString(),
          };
          // The files the vendor sent, kept as `respond --attach` keeps them. A refused form cannot give
          // them back (a file input takes no value): their names come back, to be chosen again.
          const files = chosenFiles(c.get('body').documents);
          if (files.length) values.documents = files.map((f) => f.name).join('\n');
          const tooLarge = files.filter((f) => tooLargeToAttach(f.size));
          if (files.length && !deps.keepDocuments) form.errors.documents = { key: 'form.documents-not-kept' };
          else if (tooLarge.length) form.errors.documents = tooLargeError(tooLarge, c.get('language'));
          form.done();
          const attached = await Promise.all(files.map(async (f) => attachedFile(f.name, Buffer.from(await f.arrayBuffer()))));
          if (deps.keepDocuments) await recordResponseWithFiles(dossier, deps.keepDocuments, ref, input, attached, once);
          else await dossier.recordResponse(ref, input, once);
          break;
        }
        case 'extend': {
          // A due date, or how much longer from the current one ("10 working days"): the workflow refuses both.
          const extendBy = form.text('extendBy', { optional: true });
          const dueDate = form.instant('dueDate', { optional: extendBy !== '' });
          const input = { by, ...(dueDate ? { dueDate } : {}), ...(extendBy ? { extendBy } : {}), reason: form.text('reason'), round: form.wholeNumber('round', { optional: true }) };
          form.done();
          await dossier.extendDeadline(ref, input, once);
          break;
        }
        case 'ask': {
          const input = { by, questions: form.lines('questions'), dueDate: form.instant('dueDate', { optional: true }) };
          form.done();
          await dossier.askFollowUp(ref, input, once);
          break;
        }
        case 'answer': {
          const answers = Object.entries(values)
            .filter(([k, v]) => k.startsWith('answer-') && v.trim())
            .map(([k, v]) => ({ questionId: k.slice('answer-'.length), answer: v.trim() }));
          if (!answers.length) form.errors.answers = { key: 'form.no-answers' };
          form.done();
          await dossier.recordAnswers(ref, { by, answers }, once);
          break;
        }
        case 'schedule-demo': {
          const input = {
            by,
            at: form.instant('at')!,
            durationMinutes: form.wholeNumber('durationMinutes')!,
            attendees: form.contacts('attendees'),
            topics: form.lines('topics'),
            ...(form.text('location', { optional: true }) ? { location: form.text('location') } : {}),
            ...(form.text('meetingUrl', { optional: true }) ? { meetingUrl: form.text('meetingUrl') } : {}),
          };
          form.done();
          await dossier.scheduleDemonstration(ref, input, once);
          break;
        }
        case 'reschedule-demo': {
          // The form shows the current place and link: kept as they are, unchanged; emptied, removed.
          const placeField = (field: 'location' | 'meetingUrl') =>
            field in values ? { [field]: form.text(field, { optional: true }) || null } : {};
          const input = {
            by,
            demonstrationId: form.text('demonstrationId'),
            at: form.instant('at')!,
            reason: form.text('reason'),
            ...placeField('location'),
            ...placeField('meetingUrl'),
          };
          form.done();
          await dossier.rescheduleDemonstration(ref, input, once);
          break;
        }
        case 'demo-outcome': {
          const result = form.text('result');
          if (result && !(DEMONSTRATION_RESULTS as readonly string[]).includes(result)) form.errors.result = { key: 'form.required' };
          const input = { by, demonstrationId: form.text('demonstrationId'), result: result as DemonstrationResult, notes: form.text('notes') };
          form.done();
          await dossier.recordDemonstrationOutcome(ref, input, once);
          break;
        }
        case 'conclude': {
          // Findings are public text: each in English and French; a language left blank is listed as missing at drafting.
          const findings = Object.fromEntries(
            PRINCIPLES.map((p) => {
              const en = form.lines(`practices-${p}`, { optional: true });
              const fr = form.lines(`practices-${p}-fr`, { optional: true });
              const goodPractices = Array.from({ length: Math.max(en.length, fr.length) }, (_, i) => ({ en: en[i] ?? '', fr: fr[i] ?? '' }));
              return [p, { assessment: { en: form.text(`assessment-${p}`, { optional: true }), fr: form.text(`assessment-${p}-fr`, { optional: true }) }, goodPractices }];
            }),
          ) as Findings;
          confirmed('engagement.confirm-conclude-required');
          form.done();
          await dossier.conclude(ref, { by, findings }, once);
          break;
        }
        case 'withdraw': {
          const input = { by, reason: form.text('reason') };
          confirmed('engagement.confirm-withdraw-required');
          form.done();
          await dossier.withdraw(ref, input, once);
          break;
        }
        case 'correct-contact': {
          // The page fills in the refused contact's name; an address given alone is greeted as itself.
          const email = form.text('email');
          const input = { by, contacts: [{ name: form.text('name', { optional: true }) || email, email }], reason: form.text('reason') };
          form.done();
          await dossier.correctContacts(ref, input, once);
          break;
        }
        case 'change-contacts': {
          // One contact a line, `email[,name]` as on the CLI, added or in place of the present ones; a name left out is the vendor's.
          const vendorName = (values.contacts ?? '').trim() ? (await dossier.status(ref)).vendorName : '';
          const input = { by, mode: form.text('mode') as ContactChange, contacts: form.typedContacts('contacts', vendorName), reason: form.text('reason') };
          form.done();
          await dossier.changeContacts(ref, input, once);
          break;
        }
        case 'confirm-reply': {
          // The reply's own text is the response, or each ticked question's answer, unless a summary is typed.
          const as = form.text('as') === 'answers' ? 'answers' : 'response';
          const questions = Object.keys(values).filter((k) => k.startsWith('question-')).map((k) => k.slice('question-'.length));
          const summary = as === 'response' ? form.text('summary', { optional: true }) : '';
          const input = {
            by,
            messageId: form.text('messageId'),
            as,
            ...(as === 'answers' ? { answers: questions.map((questionId) => ({ questionId })) } : {}),
            ...(summary ? { summary } : {}),
          } as const;
          form.done();
          await dossier.confirmInbound(ref, input, once);
          break;
        }
        case 'dismiss-reply': {
          const input = { by, messageId: form.text('messageId'), reason: form.text('reason') };
          form.done();
          await dossier.dismissInbound(ref, input, once);
          break;
        }
      }
    } catch (err) {
      const errors = formErrors(err, main[action], action === 'conclude' || action === 'answer' ? INPUTS_OF_FIELDS[action] : undefined);
      if (!errors) throw err;
      return deps.refusedThen(c, `/campaigns/${ref.campaignId}/engagements/${ref.vendorId}`, { status: 422, form: { action, errors, values } });
    }
    const notice = action === 'confirm-reply' ? `confirm-reply-${values.as === 'answers' ? 'answers' : 'response'}` : action;
    return doneThen(c, notice, `/campaigns/${ref.campaignId}/engagements/${ref.vendorId}`);
  });

  // ── Mail of one engagement, each message on a page of its own ─────────────────────────────────

  app.get('/campaigns/:campaign/engagements/:vendor/mail/received', async (c) => {
    const user = allowed(c, 'read-cases');
    const ref = refOf(c);
    const dossier = await deps.dossier();
    const [status, timeZone] = await Promise.all([recordOf(dossier, ref), dossier.campaignTimeZone(ref)]);
    const place = (status.inbox ?? []).findIndex((m) => m.messageId === c.req.query('id'));
    const message = status.inbox?.[place];
    if (!message) return c.html(page(c, 'error', { title: title(c, 'error.not-found.title'), messageKey: 'error.no-page' }), 404);
    // Read here, settled there: the engagement page's forms for this reply (engagement.hbs, numbered by
    // its place in the inbox), named and reached as that page offers them: as the response only while
    // it is owed, as answers only while questions are open.
    const asResponse = RESPONSE_STAGES.includes(status.stage);
    const asAnswers = status.openQuestions.length > 0;
    const firstForm = asResponse ? 'confirm-response' : asAnswers ? 'confirm-answers' : 'dismiss-reply';
    const settle =
      message.review === 'to-review' && can(user.roles, 'act-on-engagements') && !FINAL_STAGES.includes(status.stage)
        ? {
            href: `/campaigns/${encodeURIComponent(ref.campaignId)}/engagements/${encodeURIComponent(ref.vendorId)}#${firstForm}-${place}`,
            key: `mail.settle-link.${asResponse && asAnswers ? 'response-answers' : asResponse ? 'response' : asAnswers ? 'answers' : 'dismiss'}`,
          }
        : undefined;
    return c.html(
      page(c, 'mail', {
        title: title(c, 'mail.received-title', { from: message.fromName ? `${message.fromName} <${message.from}>` : message.from }),
        status,
        timeZone,
        mail: { ...message, date: message.receivedAt, recipients: [], attachments: message.documents.map((d) => ({ ...d, href: documentHref(ref, message.messageId, d.id) })) },
        received: {
          reviewKey: `review.${message.review}`,
          reviewedBy: message.reviewedBy && actorWords(message.reviewedBy, c.get('language'), views),
          reviewNote: message.reviewNote,
          matchKey: `match.${message.matchedBy}`,
          assignedBy: message.assignedBy && actorWords(message.assignedBy, c.get('language'), views),
          notes: messageNotes(message, c.get('language'), (language, key, values) => views.text(language, key, values)),
          settle,
        },
      }),
    );
  });

  const documentHref = (ref: EngagementRef, messageId: string, documentId: string) => (deps.receivedDocument ? receivedDocumentHref(ref, documentId, messageId) : undefined);

  // A document the vendor sent, as its bytes (a download: see download()): one of a received message
  // (`id`), or without `id` one of the response, which an officer may have recorded with its files
  // and no message (`respond --attach`).
  app.get('/campaigns/:campaign/engagements/:vendor/mail/received/document', async (c) => {
    const user = allowed(c, 'read-cases');
    const ref = refOf(c);
    const dossier = await deps.dossier();
    const status = await recordOf(dossier, ref);
    const messageId = c.req.query('id');
    const message = messageId === undefined ? undefined : status.inbox?.find((m) => m.messageId === messageId);
    const documents = messageId === undefined ? status.response?.documents : message?.documents;
    const document = documents?.find((d) => d.id === c.req.query('document'));
    if (!document || !deps.receivedDocument) return c.html(page(c, 'error', { title: title(c, 'error.not-found.title'), messageKey: 'error.no-page' }), 404);
    let bytes: Buffer;
    try {
      bytes = await deps.receivedDocument(ref.campaignId, document);
    } catch (err) {
      if (!(err instanceof DocumentError)) throw err;
      console.error(`web: ${document.name} (${document.id}) of ${message?.messageId ?? 'the response'} on ${status.workflowId} cannot be read:`, err.message);
      const shredded = err.code === 'DocumentShredded';
      return c.html(page(c, 'error', { title: title(c, 'error.document.title'), messageKey: shredded ? 'error.document-shredded' : 'error.document-unreadable', detail: document.name }), shredded ? 410 : 503);
    }
    const { id, name, type, size, sha256 } = document;
    const unrecorded = await unrecordedDownload(c, dossier, {
      by: actorName(user),
      campaignId: ref.campaignId,
      vendorId: ref.vendorId,
      ...(message ? { messageId: message.messageId } : {}),
      document: { id, name, type, size, sha256 },
      via: 'workspace',
    });
    return unrecorded ?? download(c, { name: document.name, type: document.type, content: bytes });
  });

  /**
   * Records a download of a vendor's document before its bytes go out (confidential submissions: the
   * audit export lists each one); the error page when it cannot be recorded, and nothing is handed over.
   */
  const unrecordedDownload = async (c: Context<WebEnv>, dossier: Awaited<ReturnType<WebDeps['dossier']>>, input: DocumentDownloadedInput): Promise<Response | undefined> => {
    try {
      await dossier.recordDownload(input);
      return undefined;
    } catch (err) {
      console.error(`web: the download of ${input.document.name} of ${input.messageId ?? 'the response'} could not be recorded, so it was not handed over:`, (err as Error).message);
      return c.html(page(c, 'error', { title: title(c, 'error.document.title'), messageKey: 'error.download-not-recorded', detail: input.document.name }), 503);
    }
  };

  app.get('/campaigns/:campaign/engagements/:vendor/mail/sent/:step', async (c) => {
    allowed(c, 'read-cases');
    const ref = refOf(c);
    const step = c.req.param('step');
    const dossier = await deps.dossier();
    const [status, timeZone] = await Promise.all([dossier.status(ref), dossier.campaignTimeZone(ref)]);
    const sent = sentEntry(status, step);
    if (!sent) return c.html(page(c, 'error', { title: title(c, 'error.not-found.title'), messageKey: 'error.no-page' }), 404);
    const mail = await deps.sentMail?.(ref, step).catch((err: unknown) => {
      // An unreadable copy (a shredded key, a damaged file) leaves the page saying so, with the timeline's record.
      console.error(`web: the copy of ${step} on ${status.workflowId} cannot be read:`, err);
      return undefined;
    });
    const what = entryWords(sent, c.get('language'), timeZone, views);
    const path = `/campaigns/${encodeURIComponent(ref.campaignId)}/engagements/${encodeURIComponent(ref.vendorId)}/mail/sent/${encodeURIComponent(step)}`;
    const shown = mail && { ...mail, attachments: mail.attachments.map(({ name, type, size }, n) => ({ name, type, size, href: `${path}/attachments/${n}` })) };
    return c.html(page(c, 'mail', { title: title(c, 'mail.sent-title', { what }), status, mail: shown, sent: { ...sent, what }, timeZone }));
  });

  // An attachment of a message Dossier sent (the open letter's PDF), as its bytes, to whoever may read
  // the message's page: by its place in the kept copy, which never changes once sent. Recorded before
  // it goes, as every download of the case's documents is (see unrecordedDownload).
  app.get('/campaigns/:campaign/engagements/:vendor/mail/sent/:step/attachments/:n{[0-9]+}', async (c) => {
    const user = allowed(c, 'read-cases');
    const ref = refOf(c);
    const step = c.req.param('step');
    const dossier = await deps.dossier();
    const status = await dossier.status(ref);
    const notFound = () => c.html(page(c, 'error', { title: title(c, 'error.not-found.title'), messageKey: 'error.no-page' }), 404);
    if (!sentEntry(status, step) || !deps.sentMail) return notFound();
    let mail: Awaited<ReturnType<NonNullable<WebDeps['sentMail']>>>;
    try {
      mail = await deps.sentMail(ref, step);
    } catch (err) {
      console.error(`web: the copy of ${step} on ${status.workflowId} cannot be read:`, err);
      const shredded = err instanceof DocumentError && err.code === 'DocumentShredded';
      return c.html(page(c, 'error', { title: title(c, 'error.document.title'), messageKey: shredded ? 'error.document-shredded' : 'error.document-unreadable' }), shredded ? 410 : 503);
    }
    const attachment = mail?.attachments[Number(c.req.param('n'))];
    if (!mail || !attachment) return notFound();
    const { name, type, content } = attachment;
    const document = { name, type, size: content.length, sha256: createHash('sha256').update(content).digest('hex') };
    const messageId = mail.messageId ? { messageId: mail.messageId } : {};
    const unrecorded = await unrecordedDownload(c, dossier, { by: actorName(user), campaignId: ref.campaignId, vendorId: ref.vendorId, ...messageId, sent: true, step, document, via: 'workspace' });
    return unrecorded ?? download(c, { name, type, content });
  });

  // ── The holding pen: mail the intake could not place, for officers to assign or dismiss ────────

  /** A campaign's holding pen, or `unsorted` for mail that names no campaign. */
  const penOf = (c: Context<WebEnv>) => {
    const pen = c.req.param('pen')!;
    return { pen, campaignId: pen === 'unsorted' ? undefined : pen };
  };
  const withPen = async <T>(fn: (pen: HoldingPen) => Promise<T>): Promise<T> => {
    if (!deps.holdingPen) throw new DossierClientError(ClientErrorCode.NotFound, 'no case mailbox is configured for this workspace');
    const opened = await deps.holdingPen();
    try {
      return await fn(opened);
    } finally {
      await opened.close();
    }
  };

  /**
   * A held campaign's board (its vendors, its zone): one bounded query a page. Held mail is read
   * from the mailbox, so a campaign whose worker is gone leaves the page in UTC, not waiting.
   */
  const heldCampaign = async (campaignId: string | undefined) =>
    campaignId ? (await deps.campaigns()).board(campaignId, { timeoutMs: HELD_CAMPAIGN_QUERY_MS }).catch(() => undefined) : undefined;

  /**
   * The engagements' refusals of a held message, each worded by its code in the page's language (one
   * without a code as written, marked English); the pen's row shows the first and how many more, the
   * message's page every one the copy lists. Undefined for a reason that lists none (its detail is shown).
   */
  const heldRefusals = (why: HeldWhy, language: Language, board: { timeZone?: string; vendorNames: Record<string, string> } | undefined, whole: boolean) => {
    if (why.code !== 'refused' || !Array.isArray(why.refusals) || why.refusals.length === 0) return undefined;
    const listed = whole ? why.refusals : why.refusals.slice(0, 1);
    return {
      listed: listed.map((r) => ({ vendor: board?.vendorNames[r.vendor] ?? r.vendor, ...refusalText(String(r.sentence), language, board?.timeZone, refusalDetails(r)) })),
      more: Math.max(0, (typeof why.count === 'number' ? why.count : why.refusals.length) - listed.length),
    };
  };

  const heldPenPage = async (c: Context<WebEnv>, gone?: object) => {
    const user = allowed(c, 'act-on-engagements');
    const { pen, campaignId } = penOf(c);
    const [messages, board] = await Promise.all([withPen((p) => p.intake.held(campaignId)), heldCampaign(campaignId)]);
    return page(c, 'held', {
      title: title(c, 'held.title', { pen: campaignId ? campaignName(c, board?.title, campaignId) : title(c, 'held.unsorted') }),
      pen,
      campaignId,
      campaignName: campaignId && campaignName(c, board?.title, campaignId),
      timeZone: board?.timeZone ?? 'UTC',
      messages: messages.map((m) => ({ ...m, encoded: encodeURIComponent(m.messageId), refused: heldRefusals(m.why, c.get('language'), board, false) })),
      done: takeNotice(c),
      gone,
      canAudit: !campaignId && can(user.roles, 'export-audit'),
    });
  };

  app.get('/held/:pen', async (c) => c.html(await heldPenPage(c)));

  /**
   * A form on a message another officer assigned or dismissed while it was filled in: the pen, saying
   * what became of the message and by whom, with what was typed (a reason, the engagement chosen).
   */
  const goneFromPen = async (c: Context<WebEnv>, messageId: string, sent: { target?: EngagementRef; reason?: string }, known?: HeldFate) => {
    const fate = known ?? (await withPen((p) => p.intake.fate(messageId)));
    const targets = [fate?.outcome === 'assigned' || fate?.outcome === 'recorded' || fate?.outcome === 'attached-late' ? fate.campaignId : undefined, sent.target?.campaignId];
    const boards = await Promise.all([...new Set(targets.filter((t): t is string => Boolean(t)))].map(async (id) => [id, await heldCampaign(id)] as const));
    const named = (ref: EngagementRef) => ({
      ...ref,
      campaignName: campaignName(c, boards.find(([id]) => id === ref.campaignId)?.[1]?.title, ref.campaignId),
      vendorName: boards.find(([id]) => id === ref.campaignId)?.[1]?.vendorNames[ref.vendorId] ?? ref.vendorId,
      href: `/campaigns/${encodeURIComponent(ref.campaignId)}/engagements/${encodeURIComponent(ref.vendorId)}`,
    });
    const assigned = fate?.outcome === 'assigned' && fate.campaignId ? named({ campaignId: fate.campaignId, vendorId: fate.vendorId }) : undefined;
    // Recorded by another intake: on the engagement its headers name, when they name one alone.
    const recordedOn = fate?.outcome === 'recorded' && fate.campaignId && fate.vendorId ? named({ campaignId: fate.campaignId, vendorId: fate.vendorId }) : undefined;
    const attachedLate = fate?.outcome === 'attached-late' && fate.campaignId ? named({ campaignId: fate.campaignId, vendorId: fate.vendorId }) : undefined;
    const engagement = assigned ?? recordedOn ?? attachedLate;
    const sameEngagement = Boolean(engagement && sent.target && engagement.campaignId === sent.target.campaignId && engagement.vendorId === sent.target.vendorId);
    return heldPenPage(c, {
      subject: fate?.subject || messageId,
      by: fate && 'by' in fate ? actorWords(fate.by, c.get('language'), views) : undefined,
      assigned,
      attachedLate,
      recorded: fate?.outcome === 'recorded' ? { on: recordedOn } : undefined,
      engagement,
      dismissed: fate?.outcome === 'dismissed' ? { reason: fate.reason } : undefined,
      sameEngagement,
      chosen: sent.target && !sameEngagement ? named(sent.target) : undefined,
      typedReason: sent.reason,
    });
  };

  /** That a held message's text is shown cut, and where its whole text is, in the page's language. */
  const heldTextCut = ({ chars, limit, name }: NonNullable<HeldMessageContent['textCut']>, language: Language) =>
    views.text(language, 'held.text-cut', { chars: formatCount(chars, language), limit: formatCount(limit, language), name });

  /**
   * A held message's sender whose case may be suggested, once the message is read: none for a sender
   * the border mail server could not verify (its address is what is in doubt), or no address at all.
   */
  const suggestible = (reading: Promise<HeldMessageContent>) =>
    reading.then(
      (message) => (message.why.code === 'unverified-sender' || !message.from?.includes('@') ? undefined : message.from),
      () => undefined,
    );

  /**
   * Which of a campaign's vendors the sender could be: one bounded query, as its board is read, so a
   * campaign whose worker is gone does not hold the page. Undefined when not asked, or when it does
   * not answer: a campaign whose vendors the form lists then leaves the suggestion untold.
   */
  const senderAnswer = async (campaignId: string | undefined, sender: Promise<string | undefined>): Promise<SenderAnswer | undefined> => {
    const from = await sender;
    if (!campaignId || !from) return undefined;
    return deps
      .campaigns()
      .then((campaigns) => campaigns.vendorsNearSender(campaignId, from, { timeoutMs: HELD_CAMPAIGN_QUERY_MS }))
      .then(
        (vendors) => ({ campaignId, vendors }),
        () => undefined,
      );
  };

  /**
   * For mail that names no campaign: each running campaign's vendors by name (its board, one bounded
   * query each, as a pen's), so the officer picks the engagement rather than typing two ids it sees
   * nowhere on the pages; with what each campaign listed says of the sender (asked beside its board),
   * among which the sender's case is looked for. Undefined when none answers: the officer then names both.
   */
  const engagementChoices = async (c: Context<WebEnv>, sender: Promise<string | undefined>) => {
    const running = await deps
      .dossier()
      .then((dossier) => dossier.findCampaigns({ limit: 200 }))
      .catch(() => []);
    const asked = await Promise.all(running.map((r) => Promise.all([heldCampaign(r.campaignId), senderAnswer(r.campaignId, sender)])));
    const listed = running
      .map((r, i) => ({
        board: asked[i]![0],
        answer: asked[i]![1],
        campaignId: r.campaignId,
        campaignName: campaignName(c, r.title ?? asked[i]![0]?.title, r.campaignId),
        groupLabel: campaignInList(c, r.title ?? asked[i]![0]?.title, r.campaignId),
        vendors: Object.entries(asked[i]![0]?.vendorNames ?? {})
          .map(([vendorId, vendorName]) => ({ value: `${r.campaignId}/${vendorId}`, vendorName }))
          .sort((a, b) => COLLATOR.compare(a.vendorName, b.vendorName)),
      }))
      .filter((g) => g.vendors.length > 0);
    if (!listed.length) return undefined;
    return {
      groups: listed.map(({ board: _board, answer: _answer, campaignName: _name, ...group }) => group),
      boards: listed.map(({ board, campaignName }) => ({ ...board!, campaignName })),
      // A listed campaign that did not answer still offers its vendors in the form: it could be the sender's, as an older worker's.
      answers: listed.map(({ campaignId, answer }) => answer ?? { campaignId, vendors: undefined }),
    };
  };

  /**
   * The case a held message's sender suggests, among those the assign form offers (the pen's campaign,
   * or every campaign listed), as their campaigns answered, nearest first across campaigns: named and
   * chosen when it is the only one, named without a choice when the address could be several vendors'.
   * Never chosen: a case under whose vendor's domain the sender writes (the domain may be a customer's,
   * as the held reason warns), an ended case (assigning is refused; it is proposed for a late reply
   * instead, `late`, unless the domain may be a customer's), nor a failed one (it takes no mail, and the
   * intake attaches a late reply only to a case in a final stage). Only the sentence of a case chosen
   * says what is chosen: on a form sent back, the officer's own choice is, whatever the suggestion was.
   */
  const senderSuggestion = (
    c: Context<WebEnv>,
    answers: SenderAnswer[],
    boards: (CampaignBoardView & { campaignName?: string })[],
    { unsorted, from, resent }: { unsorted: boolean; from: string; resent: boolean },
  ): SenderHint | undefined => {
    const language = c.get('language');
    const cases = casesOfSender(answers);
    if (!cases?.length) return undefined;
    const named = cases.map(({ campaignId, vendorId, ended, failed }) => {
      const board = boards.find((b) => b.campaignId === campaignId)!;
      return { campaignId, vendorId, ended, failed, vendor: board.vendorNames[vendorId] ?? vendorId, campaign: board.campaignName ?? campaignName(c, board.title, campaignId) };
    });
    // Every case named is as near (casesOfSender): 2 or more is a domain under the vendor's.
    const under = cases[0]!.distance >= 2;
    const domain = from.slice(from.lastIndexOf('@') + 1).trim().toLowerCase();
    const kind = unsorted ? 'case' : 'vendor';
    if (named.length === 1) {
      const { campaignId, vendorId, vendor, campaign, ended, failed } = named[0]!;
      const value = unsorted ? `${campaignId}/${vendorId}` : vendorId;
      const said = { vendor, ...(unsorted ? { campaign } : {}), ...(under ? { domain } : {}) };
      const near = under ? 'held.sender-under' : 'held.sender';
      if (failed) return { ...said, key: `${near}-failed-${kind}` };
      if (ended) {
        const late = under ? undefined : unsorted ? { engagement: value, campaign: campaignId, vendor: vendorId } : { vendor: vendorId };
        return { ...said, key: `${near}-ended-${kind}`, ...(late ? { late } : {}) };
      }
      if (under) return { ...said, key: `held.sender-under-${kind}` };
      if (resent) return { ...said, key: `held.sender-${kind}-suggested` };
      return { ...said, key: `held.sender-${kind}`, chosen: value };
    }
    // Each named as its list names it, an ended or failed one said so: assigning to it is refused.
    const words = named
      .map((n) => {
        const state = n.failed ? '-failed' : n.ended ? '-ended' : '';
        return unsorted || state ? views.text(language, `held.sender-${kind}-named${state}`, { vendor: n.vendor, campaign: n.campaign }) : n.vendor;
      })
      .sort((a, b) => COLLATOR.compare(a, b));
    const list = words.join(views.text(language, 'punctuation.list'));
    const notes = [...(named.some((n) => n.ended) ? ['held.sender-cases-ended'] : []), ...(named.some((n) => n.failed) ? ['held.sender-cases-failed'] : [])];
    const key = under ? 'held.sender-under-cases' : resent ? 'held.sender-cases-suggested' : 'held.sender-cases';
    return { key, cases: list, ...(under ? { domain } : {}), ...(notes.length ? { notes } : {}) };
  };

  /**
   * The case whose email a held message answers (its threading headers), when the sender's address
   * names none: its engagement refused a sender it does not know, but the case is the likely one.
   * Chosen only where the form offers it and it has not ended (assigning to an ended case is refused;
   * `ended`: the cases known to have ended, as `campaign/vendor`; undefined, unknown: nothing is chosen).
   */
  const threadSuggestion = (
    c: Context<WebEnv>,
    answers: HeldMessageContent['answers'],
    boards: (CampaignBoardView & { campaignName?: string })[],
    { unsorted, resent, ended }: { unsorted: boolean; resent: boolean; ended: string[] | undefined },
  ): SenderHint | undefined => {
    const board = answers && boards.find((b) => b.campaignId === answers.campaignId);
    const vendor = answers && board?.vendorNames[answers.vendorId];
    if (!answers || !board || vendor === undefined || !ended || ended.includes(`${answers.campaignId}/${answers.vendorId}`)) return undefined;
    const kind = unsorted ? 'case' : 'vendor';
    const said = { vendor, ...(unsorted ? { campaign: board.campaignName ?? campaignName(c, board.title, board.campaignId) } : {}) };
    if (resent) return { ...said, key: `held.thread-${kind}-suggested` };
    return { ...said, key: `held.thread-${kind}`, chosen: unsorted ? `${answers.campaignId}/${answers.vendorId}` : answers.vendorId };
  };

  /**
   * The campaign's engagements that have ended, whose closed record a late reply can join; undefined
   * when the campaign does not answer (the officer then names the vendor, as at the command line).
   */
  const closedEngagements = async (campaignId: string) => {
    try {
      // Bounded as the pen's board beside it: a worker down must not hold the page until the server's deadline.
      const { engagements } = await (await deps.campaigns()).status(campaignId, { timeoutMs: HELD_CAMPAIGN_QUERY_MS });
      return engagements.filter((e) => e.state === 'ended').map(({ vendorId, vendorName }) => ({ vendorId, vendorName }));
    } catch {
      return undefined;
    }
  };

  /**
   * For mail that names no campaign: every campaign's ended cases (the campaigns the list at
   * /campaigns shows; one visibility list of the engagements that ended, through the client API,
   * bounded as a pen's board: no campaign is queried), grouped by campaign, for the officer to choose
   * the closed record a late reply joins. A campaign that cannot be read (shredded) is left out, and
   * its cases are named by the ids the form also takes ("Another case"); undefined when the list
   * cannot be read or no case has ended. The intake decides either way.
   */
  const endedEngagementChoices = async (c: Context<WebEnv>) => {
    try {
      const found = await (await deps.dossier()).endedCases({ timeoutMs: HELD_CAMPAIGN_QUERY_MS });
      const groups = found
        .map((g) => ({
          groupLabel: campaignInList(c, g.title, g.campaignId),
          cases: g.cases.map((e) => ({ value: `${g.campaignId}/${e.vendorId}`, vendorName: e.vendorName })).sort((a, b) => COLLATOR.compare(a.vendorName, b.vendorName)),
        }))
        .filter((g) => g.cases.length > 0);
      return groups.length ? groups : undefined;
    } catch {
      return undefined;
    }
  };

  const heldMessagePage = async (c: Context<WebEnv>, messageId: string, form?: SubmittedForm) => {
    allowed(c, 'act-on-engagements');
    const { pen, campaignId } = penOf(c);
    // The vendors to choose from are the campaign's own list (its board, not its whole status); without one, the running campaigns' engagements.
    // Each campaign is asked whose the sender is once the message is read, beside its board.
    const reading = withPen((p) => p.intake.read(campaignId, messageId));
    const sender = suggestible(reading);
    const [message, board, engagements, closed, ended, penAnswer] = await Promise.all([
      reading,
      heldCampaign(campaignId),
      campaignId ? undefined : engagementChoices(c, sender),
      campaignId ? closedEngagements(campaignId) : undefined,
      campaignId ? undefined : endedEngagementChoices(c),
      senderAnswer(campaignId, sender),
    ]);
    const lateTo = campaignId ? endedRefusers(message.why).map((vendorId) => ({ vendorId, vendorName: board?.vendorNames[vendorId] ?? vendorId })) : [];
    // Wherever `inbox attach-late` would take it, beside the cases that refused it as ended (none on a
    // copy held before refusals carried codes, nor for mail that named no case): the officer chooses
    // an ended case of the pen's campaign, or names the campaign and vendor, and the intake refuses
    // one that is not an ended case.
    const others = closed?.filter((e) => !lateTo.some((t) => t.vendorId === e.vendorId));
    const lateAny = !campaignId ? { ...(ended ? { ended } : {}), namesCampaign: true } : closed === undefined ? { namesVendor: true } : others?.length ? { closed: others } : undefined;
    const shown = formView(form, c.get('language'), board?.timeZone);
    const told = { from: message.from ?? '', resent: form?.action === 'assign' };
    const suggestion =
      (campaignId
        ? senderSuggestion(c, board && penAnswer ? [penAnswer] : [], board ? [board] : [], { ...told, unsorted: false })
        : senderSuggestion(c, engagements?.answers ?? [], engagements?.boards ?? [], { ...told, unsorted: true })) ??
      threadSuggestion(c, message.answers, campaignId ? (board ? [board] : []) : (engagements?.boards ?? []), {
        unsorted: !campaignId,
        resent: told.resent,
        // For mail that names no campaign, no list of ended cases means none has ended, or it could
        // not be read: the case is chosen all the same, and the intake refuses an ended one, saying so.
        ended: campaignId ? closed?.map((e) => `${campaignId}/${e.vendorId}`) : (ended?.flatMap((g) => g.cases.map((e) => e.value)) ?? []),
      });
    const assignChosen = form?.action === 'assign' ? (campaignId ? form.values.vendor : form.values.engagement) : suggestion?.chosen;
    // Its values and refusal, when it was this form that was sent (not a button of a case that refused it).
    const chosen = form?.action === 'attachLate' && form.values.choice === 'any';
    // The sender's ended case, proposed in the form that attaches a late reply, unless a button above already names it:
    // chosen in the list of ended cases, or, when there is no list or it does not have the case yet, by its ids.
    const late = suggestion?.late;
    const listed = late?.engagement !== undefined && ended?.some((g) => g.cases.some((e) => e.value === late.engagement));
    const lateValues = late && (late.engagement === undefined ? late : listed ? { engagement: late.engagement } : { engagement: OTHER_ENDED_CASE, campaign: late.campaign, vendor: late.vendor });
    const lateSuggested = lateValues && !lateTo.some((t) => t.vendorId === late!.vendor) ? lateValues : undefined;
    // Each attachment by its place in the message, as the intake reads it again to hand it over.
    const attachmentPath = (n: number) => `/held/${encodeURIComponent(pen)}/attachment?id=${encodeURIComponent(message.messageId)}&n=${n}`;
    return page(c, 'held-message', {
      title: title(c, 'held.message-title', { subject: message.subject || message.messageId }),
      pen,
      message: { ...message, attachments: message.attachments.map((a, i) => ({ ...a, href: attachmentPath(i + 1) })), refused: heldRefusals(message.why, c.get('language'), board, true), textCut: message.textCut && heldTextCut(message.textCut, c.get('language')) },
      timeZone: board?.timeZone ?? 'UTC',
      vendors: board && Object.entries(board.vendorNames).map(([vendorId, vendorName]) => ({ vendorId, vendorName })),
      engagements: engagements?.groups,
      sender: suggestion,
      assignChosen,
      lateTo,
      lateAny: lateAny && { ...lateAny, ...(chosen ? { chosen, values: shown.values?.attachLate, errors: shown.errors?.attachLate } : lateSuggested ? { suggested: true, values: lateSuggested } : {}) },
      ...shown,
    });
  };

  /**
   * A held message's own page, opened (from a pen listed earlier, a link kept) after another officer
   * assigned or dismissed it: the pen, saying what became of it and by whom. A message the mailbox
   * kept no note of (never held, or assigned before notes were kept) is not found.
   */
  app.get('/held/:pen/message', async (c) => {
    const messageId = c.req.query('id') ?? '';
    const refused = await deps.takeRefused(c);
    const gone = refused?.extra?.gone as { target?: EngagementRef; reason?: string } | undefined;
    if (refused && gone) return c.html(await goneFromPen(c, messageId, gone), refused.status);
    try {
      return c.html(await heldMessagePage(c, messageId, refused?.form), refused?.status ?? 200);
    } catch (err) {
      if (!isGoneFromPen(err)) throw err;
      const fate = await withPen((p) => p.intake.fate(messageId));
      if (!fate) throw err;
      return c.html(await goneFromPen(c, messageId, {}, fate), 410);
    }
  });

  // A held message's attachment, as its bytes (a download: see download()), for the officer to judge
  // the message before assigning or dismissing it; the message stays held.
  app.get('/held/:pen/attachment', async (c) => {
    const user = allowed(c, 'act-on-engagements');
    const { campaignId } = penOf(c);
    const messageId = c.req.query('id') ?? '';
    const file = await withPen((p) => p.intake.attachment(campaignId, messageId, Number(c.req.query('n'))));
    const document = { name: file.name, type: file.type, size: file.content.length, sha256: createHash('sha256').update(file.content).digest('hex') };
    const unrecorded = await unrecordedDownload(c, await deps.dossier(), { by: actorName(user), ...(campaignId ? { campaignId } : {}), messageId, held: true, document, via: 'workspace' });
    return unrecorded ?? download(c, file);
  });

  app.post('/held/:pen/:action{(assign|dismiss)}', async (c) => {
    const user = allowed(c, 'act-on-engagements');
    const { pen, campaignId } = penOf(c);
    const action = c.req.param('action') as 'assign' | 'dismiss';
    const values = textFields(c.get('body'));
    const form = new FormReader(values);
    const messageId = form.text('messageId');
    // Where a refusal of the engagement named is shown: the one field that chose it, or the campaign's id.
    const targetField = campaignId ? 'vendor' : 'engagement' in values ? 'engagement' : 'campaign';
    const messagePage = `/held/${pen}/message?id=${encodeURIComponent(messageId)}`;
    let target: EngagementRef | undefined;
    try {
      if (action === 'assign') {
        // Chosen from the running campaigns' engagements (`campaign/vendor`), or named by both ids.
        const chosen = !campaignId && 'engagement' in values ? form.text('engagement').split('/') : undefined;
        const to = chosen ? { campaignId: chosen[0]!, vendorId: chosen.slice(1).join('/') } : { campaignId: campaignId ?? form.text('campaign'), vendorId: form.text('vendor') };
        // A list's blank first option ("Choose a case…") sent as it was: what to choose, rather than "required".
        if (form.errors.engagement) form.errors.engagement = { key: 'held.assign-no-engagement' };
        if (campaignId && form.errors.vendor) form.errors.vendor = { key: 'held.assign-no-vendor' };
        target = to;
        form.done();
        await withPen((p) => p.intake.assign(campaignId, messageId, to, actorName(user)));
        return doneThen(c, 'assign', `/campaigns/${encodeURIComponent(to.campaignId)}/engagements/${encodeURIComponent(to.vendorId)}`);
      }
      const reason = form.text('reason');
      form.done();
      await withPen((p) => p.intake.dismiss(campaignId, messageId, actorName(user), reason));
      return doneThen(c, 'dismiss', `/held/${pen}`);
    } catch (err) {
      const notFound = err instanceof DossierClientError && err.code === ClientErrorCode.NotFound;
      if (isGoneFromPen(err)) {
        return deps.refusedThen(c, messagePage, { status: 409, extra: { gone: { target, reason: action === 'dismiss' ? values.reason?.trim() || undefined : undefined } } });
      }
      // Another officer's decision on it is under way: the message is still in the pen, and the form stays as typed.
      if (err instanceof DossierClientError && err.code === ClientErrorCode.Busy) {
        const field = action === 'dismiss' ? 'reason' : targetField;
        const errors = { [field]: { key: 'held.being-decided', values: { minutes: CLAIM_LIFETIME_MINUTES } } };
        return deps.refusedThen(c, messagePage, { status: 409, form: { action, errors, values } });
      }
      // An engagement that does not exist is the officer's choice to correct, like a refusal.
      const unknownTarget = notFound;
      const refusal = refusalDetails(err);
      const errors = unknownTarget
        ? { [targetField]: { message: (err as Error).message, ...(refusal ? { refusal } : {}) } }
        : formErrors(err, action === 'assign' ? (targetField === 'engagement' ? ['engagement'] : ['vendor', [/campaign/i, targetField]]) : ['reason']);
      if (!errors) throw err;
      return deps.refusedThen(c, messagePage, { status: 422, form: { action, errors, values } });
    }
  });

  // A reply that came after its case ended, attached to that case's record (the case stays as it
  // ended): offered on the held message for each engagement of the pen's campaign that refused it so,
  // and for any ended case the officer chooses (`choice=any`: the form that names the case).
  app.post('/held/:pen/attach-late', async (c) => {
    const user = allowed(c, 'act-on-engagements');
    const { pen, campaignId } = penOf(c);
    const values = textFields(c.get('body'));
    const form = new FormReader(values);
    const messageId = form.text('messageId');
    // Chosen from the campaigns' ended cases (`campaign/vendor`), or named by both ids ("another case", or no list).
    // The list opens on no case (''); a page served before "another case" had a value of its own sent '' for it with the ids.
    const listed = campaignId ? undefined : form.text('engagement', { optional: true });
    const chosen = listed && listed !== OTHER_ENDED_CASE ? listed.split('/') : undefined;
    const typed = Boolean(form.text('campaign', { optional: true }) || form.text('vendor', { optional: true }));
    // Ids typed while the list still names a case: which one was meant cannot be told, and attaching to the wrong record is worse than asking.
    if (chosen && typed) form.errors.engagement = { key: 'held.attach-late-chosen-and-typed' };
    const unchosen = listed === '' && !typed && 'engagement' in values;
    if (unchosen) form.errors.engagement = { key: 'held.attach-late-choose' };
    const target = chosen ? { campaignId: chosen[0]!, vendorId: chosen.slice(1).join('/') } : unchosen ? { campaignId: '', vendorId: '' } : { campaignId: campaignId ?? form.text('campaign'), vendorId: form.text('vendor') };
    // Where a refusal of the case named is shown: the list it was chosen from, or the vendor's id.
    const targetField = chosen ? 'engagement' : 'vendor';
    const action = 'attachLate';
    const messagePage = `/held/${pen}/message?id=${encodeURIComponent(messageId)}`;
    try {
      form.done();
      const { repliedInTime, campaignTold, campaignEnded } = await withPen((p) => p.intake.attachLate(campaignId, messageId, target, actorName(user)));
      // A reply that came in time changes what the statement says of the vendor (the case page it leads
      // to dates the case's end from its status), and a campaign that could not be told of it does not
      // point it out to the lead: the officer is told so.
      const notice = `${repliedInTime ? 'attach-late-in-time' : 'attach-late'}${campaignEnded ? '-campaign-ended' : campaignTold === false ? '-not-told' : ''}`;
      return doneThen(c, notice, `/campaigns/${encodeURIComponent(target.campaignId)}/engagements/${encodeURIComponent(target.vendorId)}`);
    } catch (err) {
      if (isGoneFromPen(err)) return deps.refusedThen(c, messagePage, { status: 409, extra: { gone: { target } } });
      if (err instanceof DossierClientError && err.code === ClientErrorCode.Busy) {
        return deps.refusedThen(c, messagePage, { status: 409, form: { action, errors: { [targetField]: { key: 'held.being-decided', values: { minutes: CLAIM_LIFETIME_MINUTES } } }, values } });
      }
      const notFound = err instanceof DossierClientError && err.code === ClientErrorCode.NotFound;
      const refusal = refusalDetails(err);
      const errors = notFound
        ? { [targetField]: { message: (err as Error).message, ...(refusal ? { refusal } : {}) } }
        : formErrors(err, chosen ? ['engagement'] : ['vendor', [/campaign/i, campaignId ? 'vendor' : 'campaign']]);
      if (!errors) throw err;
      return deps.refusedThen(c, messagePage, { status: 422, form: { action, errors, values } });
    }
  });

  // ── The statement ────────────────────────────────────────────────────────────────────────────

  /** Who may read this campaign's statement: officers and auditors, and its own co-signatories. */
  const mayReadStatement = (c: Context<WebEnv>, user: SignedInUser, draft: StatementDraft | undefined) => {
    if (!can(user.roles, 'read-cases') && !signsStatement(user, draft)) throw new AccessRefused('read-statement');
    rememberAuthority(c, draft?.campaign.authorities.find((a) => a.id === user.authorityId));
  };

  const readStatement = async (c: Context<WebEnv>, campaignId: string) => {
    const user = signedIn(c);
    const draft = await (await deps.campaigns()).statement(campaignId);
    mayReadStatement(c, user, draft);
    return { user, draft };
  };

  /**
   * The statement page's reads, all of one version: the status (its number, approvals, phase), the
   * version itself and what it changed. The workflow answers each query on its own, so a version the
   * lead submits between two of them would show one version's vendors and changes beside the next
   * one's number, and the answer's form would name a version the reader was not shown: the three are
   * read again until they name the same one.
   */
  const readStatementPage = async (c: Context<WebEnv>, campaignId: string) => {
    const user = signedIn(c);
    const campaigns = await deps.campaigns();
    for (let read = 1; ; read++) {
      const [status, draft] = await Promise.all([campaigns.status(campaignId), campaigns.statement(campaignId)]);
      mayReadStatement(c, user, draft);
      const version = status.draft?.version;
      // A signatory reads what changed since the version it last received, as its approval request said.
      const signatory = signsStatement(user, draft) ? user.authorityId : undefined;
      const changes = version !== undefined && version > 1 ? await campaigns.statementChanges(campaignId, signatory) : undefined;
      if (draft?.version === version && (changes === undefined || changes.version === version)) return { user, status, draft, changes };
      // Versions are the lead's submissions, minutes apart at the least: one changing on every read is a fault.
      if (read === STATEMENT_PAGE_READS) throw new Error(`campaign ${campaignId}: its statement's version changed during each of ${read} reads`);
    }
  };

  /**
   * Each vendor's public summary and demonstration observations as the lead last wrote them (the
   * lead's form only); when the form comes back refused, as the lead typed them, so no edit is lost.
   */
  const summariesOf = (text: StatementText, status: CampaignStatus, sent?: SubmittedForm) => {
    const typed = sent?.action === 'summaries' ? sent.values : {};
    const both = (field: string, saved: { en: string; fr: string }) => ({ en: typed[`${field}-en`] ?? saved.en, fr: typed[`${field}-fr`] ?? saved.fr });
    return status.engagements.map((e) => ({
      vendorId: e.vendorId,
      vendorName: e.vendorName,
      ...both(`summary-${e.vendorId}`, publicText(text.vendors[e.vendorId]?.summary)),
      demonstrations: (e.outcome?.demonstrations ?? []).map((d) => ({
        id: d.id,
        ...both(`observation-${e.vendorId}-${d.id}`, publicText(text.vendors[e.vendorId]?.demonstrations?.[d.id])),
      })),
    }));
  };

  const authorityOf = (authority: Authority | undefined, id: string, language: Language) => (authority ? authorityReading(authority, language, views) : id);

  /**
   * A refusal of a co-signatory's answer names authorities by their ids and the signatory as recorded
   * ("fdpic has already approved"): the page names them as its table of approvals does.
   */
  const answerRefusalNamed = (form: SubmittedForm | undefined, authorities: readonly Authority[], language: Language): SubmittedForm | undefined => {
    if (!form) return form;
    const names = new AuthorityNames(authorities, language, views);
    const named = (e: FieldErrors[string]): FieldErrors[string] => {
      const refusal = e.refusal ?? (e.message !== undefined ? wordedRefusal(e.message) : undefined);
      if (!refusal || !['already-approved', 'approval-stands', 'signed-elsewhere', 'nothing-to-withdraw', 'unknown-authority'].includes(refusal.refusal)) return e;
      const authorityNamed = names.refusal(refusal);
      const values = { ...(authorityNamed.values as Record<string, string>) };
      if (values.by !== undefined) values.by = actorWords(values.by, language, views);
      return { ...e, refusal: { ...authorityNamed, values } as RefusalDetails };
    };
    return { ...form, errors: Object.fromEntries(Object.entries(form.errors).map(([field, e]) => [field, named(e)])) };
  };

  const statementPage = async (c: Context<WebEnv>, campaignId: string, form?: SubmittedForm) => {
    const { user, status, draft, changes } = await readStatementPage(c, campaignId);
    const language = c.get('language');
    // Who answered, as the timeline words them: "signed in" and "CLI" are English words in the record.
    const worded = <T extends { by: string }>(x: T): T => ({ ...x, by: actorWords(x.by, language, views) });
    const authorities = (draft?.campaign.authorities ?? []).map((a) => {
      const found = status.draft?.approvals.find((x) => x.authorityId === a.id);
      // An approval of an earlier version counts where this version kept its text: the reader is told which it was.
      const approval = found && { ...worded(found), earlier: found.version !== undefined && found.version !== status.draft?.version };
      // Its latest change request, whichever version it was on: the lead revises from it.
      const changes = status.changeRequests.filter((x) => x.authorityId === a.id).slice(-1).map(worded);
      // Sending this version back is its answer on it: the campaign's list of authorities without an
      // approval still names it, but it is the next version that awaits it, not this one.
      const sentBack = changes.some((x) => x.version === status.draft?.version);
      const pending = status.draft?.pending.includes(a.id) && !sentBack;
      // A request on an earlier version is no answer on this one: the cell says it apart, after what this version awaits.
      const earlierChanges = sentBack ? [] : changes;
      return { id: a.id, name: a.name[language], inSentence: authorityOf(a, a.id, language), lead: a.lead, approval, changes: sentBack ? changes : [], earlierChanges, pending };
    });
    const mine = user.authorityId ? authorities.find((a) => a.id === user.authorityId) : undefined;
    const myAnswer = mine && {
      ...mine,
      publishes: approvalPublishes(status, mine.id),
      // Taken back until the campaign signs the version; from then on it is being published.
      canWithdraw: Boolean(mine.approval) && ['approving', 'revising'].includes(status.phase),
    };
    // Named by its draft's title; before the first draft, by the title its memo kept.
    const named = campaignName(c, draft?.campaign.title ?? (await (await deps.campaigns()).title(campaignId)), campaignId);
    const sent = formView(answerRefusalNamed(form, draft?.campaign.authorities ?? [], language), language, draft ? campaignTimeZone(draft.campaign) : undefined, campaignWording(status));
    // The lead's text forms start from the text it saved, which runs ahead of the last version once it
    // edits after drafting: started from the version, the next save would put the old text back.
    const savedText = can(user.roles, 'steer-campaigns') && !status.published ? await (await deps.campaigns()).statementText(campaignId) : undefined;
    // The copies on file that are an earlier letter's, each with a form to put back the PDF the vendor received.
    const listed = can(user.roles, 'steer-campaigns')
      ? status.engagements.flatMap((e) => {
          const failure = status.deliveryFailures.find((f) => f.step === letterCopyStep(e.vendorId) && f.refusal?.code === 'letter-copy-not-last-letter');
          if (!failure) return [];
          const refusedHere = form?.action === 'letter-copy' && form.values.vendor === e.vendorId;
          return [{ vendorId: e.vendorId, vendorName: e.vendorName, ...deliveryFailureText(failure, language, (l, key, values) => views.text(l, key, values)), error: refusedHere ? sent.errors?.['letter-copy']?.pdf : undefined }];
        })
      : [];
    // One put back already is listed until the campaign's next look, and for good once the campaign
    // has ended (it looks no more): the page offers it no second upload. Unchecked, it stays offered.
    const putBack = listed.length ? new Set(await (await deps.campaigns()).letterCopiesPutBack(campaignId, listed.map((v) => v.vendorId)).catch(() => [])) : new Set<string>();
    // A refused upload keeps its form, refusal by the field, even where the vendor is no longer listed
    // (another officer's upload or the campaign's look came first): the page must say why it was refused.
    const refusedVendor = form?.action === 'letter-copy' && sent.errors?.['letter-copy']?.pdf ? form.values.vendor : undefined;
    const letterCopies = listed.filter((v) => !putBack.has(v.vendorId) || v.error);
    if (refusedVendor && !letterCopies.some((v) => v.vendorId === refusedVendor)) {
      const engagement = status.engagements.find((e) => e.vendorId === refusedVendor);
      if (engagement) letterCopies.push({ vendorId: engagement.vendorId, vendorName: engagement.vendorName, error: sent.errors?.['letter-copy']?.pdf } as (typeof listed)[number]);
    }
    // The lead officer is "you" where the others read "the lead": the version comes back to it.
    const readerIsLead = can(user.roles, 'steer-campaigns');
    return page(c, 'statement', {
      title: title(c, 'statement.title', { campaign: named }),
      campaignName: named,
      campaign: status,
      readerIsLead,
      missingTexts: missingTextsView(status, language),
      ...(status.statementTooLarge ? { statementTooLarge: refusalText(status.statementTooLarge, language, 'UTC', status.statementTooLargeRefusal, campaignWording(status)) } : {}),
      draft,
      ...(draft ? { timeZone: campaignTimeZone(draft.campaign) } : {}),
      campaignTitle: draft?.campaign.title[language],
      authorities,
      vendors: draft?.vendors.map((v) => ({
        ...v,
        stageKey: `stage.${v.stage}`,
        // As the version prints it: a vendor that never responded in time, whose reply came late.
        ...(v.repliedLateAt ? { replyNote: views.text(language, 'late-reply.on', { date: views.date(v.repliedLateAt, language, campaignTimeZone(draft.campaign)) }) } : {}),
        // Or one whose reply came in time, recorded after its case closed: it did not go without responding.
        ...(v.repliedInTimeAt
          ? {
              stageKey: 'reply-in-time.stage',
              replyNote: views.text(language, 'reply-in-time.recorded', { date: views.date(v.repliedInTimeAt, language, campaignTimeZone(draft.campaign)) }),
            }
          : {}),
        // Or one the lead closed after it had responded, as the version says.
        ...(v.stage === 'closed-by-lead' && v.respondedAt
          ? { replyNote: views.text(language, 'response-before-closing.recorded', { date: views.date(v.respondedAt, language, campaignTimeZone(draft.campaign)) }) }
          : {}),
      })),
      // What led to this version: the change requests on earlier versions, newest first.
      history: [...status.changeRequests]
        .filter((x) => x.version < (status.draft?.version ?? 0))
        .reverse()
        .map((x) => ({ ...worded(x), authority: authorities.find((a) => a.id === x.authorityId)?.inSentence ?? x.authorityId })),
      // The lead's answers to those requests, oldest first, each below the requests it answers.
      changeAnswers: (status.changeAnswers ?? []).map(worded),
      // The current version is back with the lead: what it submits next may carry its answer.
      answersSentBack: status.phase === 'revising',
      // A version after the first with no request on an earlier one: the lead revised it on its own.
      laterVersion: (status.draft?.version ?? 0) > 1,
      changes: changesView(changes, language, views, draft ? campaignTimeZone(draft.campaign) : undefined),
      languages: LANGUAGES,
      // The workflow takes an answer while the version is back with the lead too (another authority's
      // comments do not silence this one's); an answer it refused is shown again with its reason and text.
      canAnswer: Boolean(
        mine &&
          can(user.roles, 'answer-for-authority') &&
          (['approving', 'revising'].includes(status.phase) || (form !== undefined && ANSWERS.includes(form.action))),
      ),
      myAuthority: myAnswer,
      canSteer: can(user.roles, 'steer-campaigns') && ['engaging', 'approving', 'revising'].includes(status.phase),
      summaries: savedText ? summariesOf(savedText, status, form) : [],
      savedText,
      openCases: status.engagements.filter((e) => e.state === 'in-progress').map((e) => ({ vendorId: e.vendorId, vendorName: e.vendorName })),
      withFindings: status.engagements.filter((e) => e.outcome?.stage === 'concluded').map((e) => ({ vendorId: e.vendorId, vendorName: e.vendorName })),
      canReadCases: can(user.roles, 'read-cases'),
      published: status.published,
      notMailed: (status.statementNotMailed ?? []).map((v) => ({ vendorName: v.vendorName, why: notMailedText(v.reason, language, (l, key, values) => views.text(l, key, values)) })),
      letterCopies,
      ...sent,
      conclusionsProblems: problemSummary(sent.errors?.conclusions, CONCLUSIONS_FIELDS, language),
      done: takeNotice(c),
    });
  };

  /**
   * A refused form's problems in the order of its fields, each with its field's label, for the summary
   * at the top of the form (each also said at its field); several take the focus, which one alone
   * leaves to its field, whose description it is.
   */
  const problemSummary = (errors: Record<string, { text: string; lang?: string }> | undefined, fields: readonly string[], language: Language) => {
    const listed = fields.filter((f) => errors?.[f]).map((f) => ({ field: f, label: views.text(language, `field.${f}`), ...errors![f]! }));
    return listed.length ? { problems: listed, count: listed.length, several: listed.length > 1 } : undefined;
  };

  app.get('/campaigns/:campaign/statement', async (c) => {
    const refused = await deps.takeRefused(c);
    return c.html(await statementPage(c, c.req.param('campaign'), refused?.form), refused?.status ?? 200);
  });

  // ── One vendor's findings as the statement prints them (the lead's edit replaces the engagement's) ──

  /** Per principle, the finding the next version prints: the lead's edit, else the engagement's own. */
  const findingsOf = async (campaignId: string, vendorId: string) => {
    const campaigns = await deps.campaigns();
    const [status, text, outcome] = await Promise.all([campaigns.status(campaignId), campaigns.statementText(campaignId), campaigns.engagementOutcome(campaignId, vendorId)]);
    const engagement = status.engagements.find((e) => e.vendorId === vendorId);
    if (!engagement) throw new DossierClientError(ClientErrorCode.NotFound, `campaign ${campaignId} has no vendor ${vendorId}`);
    const edited = text.vendors[vendorId]?.findings;
    const recorded = outcome?.findings;
    const current = Object.fromEntries(
      PRINCIPLES.map((p) => {
        const finding = edited?.[p] ?? recorded?.[p];
        return [p, { assessment: publicText(finding?.assessment), goodPractices: (finding?.goodPractices ?? []).map((g) => publicText(g)) }];
      }),
    ) as Findings;
    return { status, engagement, current };
  };

  const findingsPage = async (c: Context<WebEnv>, form?: SubmittedForm) => {
    allowed(c, 'steer-campaigns');
    const campaignId = c.req.param('campaign')!;
    const { engagement, current } = await findingsOf(campaignId, c.req.param('vendor')!);
    const submitted = form?.values;
    return page(c, 'statement-findings', {
      title: title(c, 'findings.title', { vendor: engagement.vendorName }),
      campaignId,
      vendorId: engagement.vendorId,
      principles: PRINCIPLES.map((p) => ({
        principle: p,
        assessmentEn: submitted?.[`assessment-${p}-en`] ?? current[p].assessment.en,
        assessmentFr: submitted?.[`assessment-${p}-fr`] ?? current[p].assessment.fr,
        practicesEn: submitted?.[`practices-${p}-en`] ?? current[p].goodPractices.map((g) => g.en).join('\n'),
        practicesFr: submitted?.[`practices-${p}-fr`] ?? current[p].goodPractices.map((g) => g.fr).join('\n'),
      })),
      ...formView(form, c.get('language')),
    });
  };

  app.get('/campaigns/:campaign/statement/findings/:vendor', async (c) => {
    const refused = await deps.takeRefused(c);
    return c.html(await findingsPage(c, refused?.form), refused?.status ?? 200);
  });

  app.post('/campaigns/:campaign/statement/findings/:vendor', async (c) => {
    const user = allowed(c, 'steer-campaigns');
    const campaignId = c.req.param('campaign')!;
    const vendorId = c.req.param('vendor')!;
    const values = textFields(c.get('body'));
    const form = new FormReader(values);
    try {
      const { current } = await findingsOf(campaignId, vendorId);
      // Only the principles whose text the lead changed: the others keep following the engagement.
      const findings: Partial<Findings> = {};
      for (const p of PRINCIPLES) {
        const en = form.lines(`practices-${p}-en`, { optional: true });
        const fr = form.lines(`practices-${p}-fr`, { optional: true });
        const finding = {
          assessment: { en: form.text(`assessment-${p}-en`, { optional: true }), fr: form.text(`assessment-${p}-fr`, { optional: true }) },
          goodPractices: Array.from({ length: Math.max(en.length, fr.length) }, (_, i) => ({ en: en[i] ?? '', fr: fr[i] ?? '' })),
        };
        if (JSON.stringify(finding) !== JSON.stringify(current[p])) findings[p] = finding;
      }
      form.done();
      if (Object.keys(findings).length) await (await deps.campaigns()).editStatement(campaignId, { by: actorName(user), vendors: { [vendorId]: { findings } } });
    } catch (err) {
      const errors = formErrors(err, ['findings'], INPUTS_OF_FIELDS.findings);
      if (!errors) throw err;
      return deps.refusedThen(c, `/campaigns/${campaignId}/statement/findings/${vendorId}`, { status: 422, form: { action: 'findings', errors, values } });
    }
    return doneThen(c, 'findings', `/campaigns/${encodeURIComponent(campaignId)}/statement`);
  });

  app.get('/campaigns/:campaign/statement/:file{(draft|published)\\.(en|fr)\\.pdf}', async (c) => {
    const campaignId = c.req.param('campaign');
    const { draft } = await readStatement(c, campaignId);
    const [kind, language] = c.req.param('file').split('.') as ['draft' | 'published', Language];
    // The statement page links the draft it shows, by number: a later version submitted meanwhile is
    // not what its approve form names.
    const asked = kind === 'draft' ? c.req.query('version') : undefined;
    const version = asked !== undefined && /^[1-9][0-9]{0,8}$/.test(asked) ? Number(asked) : undefined;
    if (kind === 'published' && deps.publishedFiles) {
      // The file the campaign published and mailed, byte for byte; rendered again only if it is not found.
      const { published } = await (await deps.campaigns()).status(campaignId);
      const bytes = published && (await deps.publishedFiles().read(published.files[language]));
      if (published && bytes) {
        c.header('Content-Type', 'application/pdf');
        c.header('Content-Disposition', `inline; filename="${campaignId}-statement-${published.version}.published.${language}.pdf"`);
        return c.body(new Uint8Array(bytes));
      }
    }
    const pdf = asked !== undefined && version === undefined ? undefined : await (await deps.campaigns()).statementPdf(campaignId, language, version);
    if (!pdf || (version === undefined && pdf.published !== (kind === 'published'))) {
      // The campaign is known (its statement was read): the way back is its statement page, and the
      // page's times (the sign-in's end) are in its zone, as the statement page prints them.
      const named = campaignName(c, draft?.campaign.title ?? (await (await deps.campaigns()).title(campaignId)), campaignId);
      return c.html(
        page(c, 'error', {
          title: title(c, 'error.not-found.title'),
          messageKey: 'statement.no-such-pdf',
          backTo: { href: `/campaigns/${encodeURIComponent(campaignId)}/statement`, text: title(c, 'error.back-to-statement', { campaign: named }) },
          ...(draft ? { timeZone: campaignTimeZone(draft.campaign) } : {}),
        }),
        404,
      );
    }
    if (pdf.superseded && c.req.query('as-it-was') === undefined) {
      const base = `/campaigns/${encodeURIComponent(campaignId)}/statement`;
      return c.html(
        page(c, 'statement-superseded', {
          title: title(c, 'statement.superseded.title', { version: pdf.version }),
          version: pdf.version,
          by: pdf.superseded.by,
          published: pdf.superseded.published,
          readerIsLead: can(signedIn(c).roles, 'steer-campaigns'),
          statementPage: base,
          asItWas: `${base}/draft.${language}.pdf?version=${pdf.version}&as-it-was`,
          pdfLanguage: language,
        }),
        409,
      );
    }
    c.header('Content-Type', 'application/pdf');
    const replaced = pdf.superseded ? '.superseded' : '';
    c.header('Content-Disposition', `inline; filename="${campaignId}-statement-${pdf.version}.${kind}${replaced}.${language}.pdf"`);
    return c.body(pdf.bytes as Uint8Array<ArrayBuffer>);
  });

  // Before the statement's own actions, whose path it shares: the page it belongs to is the statement's.
  app.post('/campaigns/:campaign/statement/letter-copy', async (c) => {
    allowed(c, 'steer-campaigns');
    const campaignId = c.req.param('campaign');
    const body = c.get('body');
    const values = textFields(body);
    const vendorId = values.vendor ?? '';
    if (!ID_PATTERN.test(vendorId)) return c.html(page(c, 'error', { title: title(c, 'error.not-found.title'), messageKey: 'error.no-page' }), 404);
    const refuse = (error: FieldErrors[string]) => deps.refusedThen(c, `/campaigns/${campaignId}/statement`, { status: 422, form: { action: 'letter-copy', errors: { pdf: error }, values } });
    const file = body.pdf;
    if (!(file instanceof File) || file.size === 0) return refuse({ key: 'letter-copies.no-file' });
    try {
      await (await deps.campaigns()).fileLetterCopy(campaignId, vendorId, new Uint8Array(await file.arrayBuffer()));
    } catch (err) {
      const refused = letterCopyRefusal(err);
      if (!refused) throw err;
      return refuse({ key: `letter-copies.refused.${refused.code}`, values: refused.values });
    }
    return doneThen(c, 'letter-copy', `/campaigns/${campaignId}/statement`);
  });

  app.post('/campaigns/:campaign/statement/:action', async (c) => {
    const campaignId = c.req.param('campaign');
    const action = c.req.param('action');
    const values = textFields(c.get('body'));
    const form = new FormReader(values);
    // A POST reaches here only signed in (app.ts); each branch checks the role itself.
    const once = submittedOnce(`statement-${action}`, values, signedIn(c), deps.config.sessionSecret);
    const campaigns = await deps.campaigns();
    const main: Record<string, FieldPlacement> = {
      approve: ['version'],
      'withdraw-approval': ['version'],
      'request-changes': ['comment', [/version/i, 'version']],
      draft: ['draft', [/confirm-unchanged/, 'confirm-unchanged'], [/answer/i, 'answer']],
      conclusions: ['conclusions-en', [/\bconclusions\.fr\b/, 'conclusions-fr'], [/\blessonsLearned\.fr\b/, 'lessons-fr'], [/lesson/i, 'lessons-en']],
      summaries: ['summaries'],
    };
    if (!(action in main)) return c.html(page(c, 'error', { title: title(c, 'error.not-found.title'), messageKey: 'error.no-page' }), 404);
    try {
      if (ANSWERS.includes(action)) {
        const user = allowed(c, 'answer-for-authority');
        const { draft } = await readStatement(c, campaignId);
        if (!signsStatement(user, draft)) throw new AccessRefused('answer-for-authority');
        const version = form.wholeNumber('version')!;
        if (action === 'approve') {
          // The approval that completes the statement publishes it, for good: it is given only
          // confirmed, as its form asks. Read now, so one that became the last since the page was
          // shown is asked again rather than taken; one that becomes the last after this read is
          // refused by the campaign (what was confirmed goes with it), and asked again the same way.
          const confirmsPublication = values.confirm === 'yes';
          if (!confirmsPublication && approvalPublishes(await campaigns.status(campaignId), user.authorityId!)) {
            form.errors.confirm = { key: 'statement.confirm-publication-required' };
          }
          form.done();
          const updated = await campaigns.approve(campaignId, { by: actorName(user), authorityId: user.authorityId!, version, confirmsPublication }, once).catch((err: unknown) => {
            const refusal = refusalDetails(err);
            if (refusal?.refusal !== 'publication-unconfirmed') throw err;
            throw new FormProblem({ confirm: { message: (err as Error).message, refusal } });
          });
          // The page read next may still show the version awaiting approvals (the campaign signs it a
          // moment later): the one whose approval completed it is told it is being published.
          if (statementApproved(updated)) return doneThen(c, 'approve-publishes', `/campaigns/${campaignId}/statement`);
        } else if (action === 'withdraw-approval') {
          form.done();
          await campaigns.withdrawApproval(campaignId, { by: actorName(user), authorityId: user.authorityId!, version }, once);
        } else {
          const comment = form.text('comment');
          form.done();
          await campaigns.requestChanges(campaignId, { by: actorName(user), authorityId: user.authorityId!, version, comment }, once);
        }
      } else if (action === 'draft') {
        const user = allowed(c, 'steer-campaigns');
        // How the lead settles each engagement still open (closed with a reason, or left out); the
        // workflow decides whether that is enough to draft, and says what is missing.
        const status = await campaigns.status(campaignId);
        const openCases: OpenCaseDecision[] = status.engagements
          .filter((e) => e.state === 'in-progress' && values[`open-${e.vendorId}-action`])
          .map((e) => {
            const action = values[`open-${e.vendorId}-action`];
            if (!(OPEN_CASE_ACTIONS as readonly string[]).includes(action)) form.errors.draft = { key: 'form.required' };
            const reason = { en: form.text(`open-${e.vendorId}-reason-en`, { optional: true }), fr: form.text(`open-${e.vendorId}-reason-fr`, { optional: true }) };
            return { vendorId: e.vendorId, action: action as OpenCaseAction, reason };
          });
        // Each case closed or left out ends for good with this version: sent only with the form's
        // confirmation ticked, the refusal naming the cases it would end.
        if (openCases.length && values['confirm-open-cases'] !== 'yes') {
          const ending = openCases.map((d) => status.engagements.find((e) => e.vendorId === d.vendorId)!.vendorName);
          form.errors['confirm-open-cases'] = { key: 'statement.confirm-open-cases-required', values: { vendors: ending.join(views.text(c.get('language'), 'punctuation.list')) } };
        }
        // Submitting unchanged a version a co-signatory sent back is asked to be confirmed (the
        // campaign refuses it otherwise): the refusal goes by the form's checkbox.
        const confirmsUnchanged = values['confirm-unchanged'] === 'yes';
        // Blank: the lead has nothing to add to the version itself.
        const answer = form.text('answer', { optional: true }) || undefined;
        form.done();
        await campaigns.draftStatement(campaignId, actorName(user), openCases.length ? openCases : undefined, { ...once, confirmsUnchanged, answer }).catch((err: unknown) => {
          const refusal = refusalDetails(err);
          if (refusal?.refusal !== 'unchanged-after-changes') throw err;
          throw new FormProblem({ 'confirm-unchanged': { message: (err as Error).message, refusal } });
        });
      } else if (action === 'summaries') {
        const user = allowed(c, 'steer-campaigns');
        const status = await campaigns.status(campaignId);
        // Only the texts given: one left blank in both languages keeps what it had.
        const given = (field: string) => {
          const text = { en: form.text(`${field}-en`, { optional: true }), fr: form.text(`${field}-fr`, { optional: true }) };
          return text.en || text.fr ? text : undefined;
        };
        const vendors: Record<string, VendorPublicText> = {};
        for (const e of status.engagements) {
          const summary = given(`summary-${e.vendorId}`);
          const observations = (e.outcome?.demonstrations ?? []).flatMap((d) => {
            const observation = given(`observation-${e.vendorId}-${d.id}`);
            return observation ? [[d.id, observation] as const] : [];
          });
          if (summary || observations.length) {
            vendors[e.vendorId] = { ...(summary ? { summary } : {}), ...(observations.length ? { demonstrations: Object.fromEntries(observations) } : {}) };
          }
        }
        form.done();
        await campaigns.editStatement(campaignId, { by: actorName(user), vendors });
      } else {
        const user = allowed(c, 'steer-campaigns');
        // Blank fields go to the campaign with the rest: its refusal names every problem of the four
        // fields at once (a blank one by its key), where a blank one found here would hide the others.
        const text = {
          conclusions: { en: form.paragraphs('conclusions-en', { optional: true }), fr: form.paragraphs('conclusions-fr', { optional: true }) },
          lessonsLearned: { en: form.paragraphs('lessons-en', { optional: true }), fr: form.paragraphs('lessons-fr', { optional: true }) },
        };
        form.done();
        await campaigns.setConclusions(campaignId, { by: actorName(user), ...text });
      }
    } catch (err) {
      const errors = formErrors(err, main[action], action === 'summaries' || action === 'conclusions' ? INPUTS_OF_FIELDS[action] : undefined);
      if (!errors) throw err;
      return deps.refusedThen(c, `/campaigns/${campaignId}/statement`, { status: 422, form: { action, errors, values } });
    }
    // A lead officer who signs too sent the version back to itself: the notice says so in the second person.
    const notice = action === 'request-changes' && can(signedIn(c).roles, 'steer-campaigns') ? 'request-changes-lead' : action;
    return doneThen(c, notice, `/campaigns/${campaignId}/statement`);
  });
}

/** The conclusions form's fields, in its order. */
const CONCLUSIONS_FIELDS = ['conclusions-en', 'conclusions-fr', 'lessons-en', 'lessons-fr'] as const;

/** The forms by which a co-signatory answers for its authority on the current version. */
const ANSWERS: readonly string[] = ['approve', 'withdraw-approval', 'request-changes'];


/**
 * The form's own id (views.ts, `submissionId`) names the update: sent twice, by a double click or a
 * resend after a slow answer, it is recorded once and both answered as the first was. Prefixed with
 * the action, so a value copied into another form is another update, and followed by a digest of
 * what was typed, so the same form sent again with other values (30 days corrected to 3) is another
 * request, not the first one's answer. The digest covers who sent it (subject and authority) too: two
 * co-signatories approving the same version with the same form id are two approvals, never one
 * answered twice. A malformed id is none. The digest is keyed by the workspace's secret: the cluster
 * keeps update ids in clear, and a plain digest of "30" and a known subject could be recomputed.
 * Every host of one workspace shares the secret, so a resend to another host is still the same id.
 */
export function submittedOnce(action: string, values: Record<string, string>, user: SignedInUser, secret: string): UpdateOptions {
  const submission = values.submission ?? '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(submission)) return {};
  const typed = Object.entries(values)
    .filter(([name]) => name !== '_csrf' && name !== 'submission')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = hkdfSync('sha256', secret, 'dossier-web', 'form-update-id', 32);
  const digest = createHmac('sha256', Buffer.from(key))
    .update(JSON.stringify([user.subject, user.authorityId ?? null, typed]))
    .digest('hex')
    .slice(0, 16);
  return { updateId: `web:${action}:${submission}:${digest}` };
}

/** The co-signatory's authority as a campaign file names it, kept in the session for the header. */
function rememberAuthority(c: Context<WebEnv>, found: Pick<Authority, 'id' | 'name' | 'article'> | undefined): void {
  const session = c.get('session');
  if (!found || found.id !== session.user?.authorityId) return;
  const authority = { id: found.id, name: found.name, ...(found.article ? { article: found.article } : {}) };
  if (JSON.stringify(session.authority) === JSON.stringify(authority)) return;
  c.set('session', { ...session, authority });
  c.set('sessionChanged', true);
}

/** The intake's answer for a message no longer in the holding pen it was looked for in. */
/**
 * The engagements that refused a held message because they had ended (their workflow closed, or in a
 * final stage while it finished): its late reply can go on their records.
 */
function endedRefusers(why: HeldWhy): string[] {
  if (why.code !== 'refused' || !Array.isArray(why.refusals)) return [];
  const ended = (r: Parameters<typeof refusalDetails>[0]) => ['ended', 'records-no-mail'].includes(refusalDetails(r)?.refusal ?? '');
  return [...new Set(why.refusals.filter(ended).map((r) => String(r.vendor)))];
}

function isGoneFromPen(err: unknown): boolean {
  return err instanceof DossierClientError && err.code === ClientErrorCode.NotFound && /no held message/.test(err.message);
}

/** After a form that did `action`: the page at `to` says so once (see `Session.notice`). */
function doneThen(c: Context<WebEnv>, action: string, to: string): Response {
  c.set('session', { ...c.get('session'), notice: action });
  c.set('sessionChanged', true);
  return c.redirect(to, 303);
}

/** The notice a form left for this page, removed as it is shown. */
function takeNotice(c: Context<WebEnv>): string | undefined {
  const { notice, ...session } = c.get('session');
  if (notice === undefined) return undefined;
  c.set('session', session);
  c.set('sessionChanged', true);
  return notice;
}

/** The timeline's record of a message sent at `step` (letter, reminder-1…): the page of its kept copy. */
function sentEntry<T extends { what: string; detail?: string }>(status: { timeline: T[] }, step: string): T | undefined {
  return status.timeline.find((t) => / sent$/.test(t.what) && stepOf(t) === step);
}

function stepOf(entry: { detail?: string }): string | undefined {
  return entry.detail?.split(' ')[0] || undefined;
}

/** Signs the server's page tokens in the board's links, and opens only what it signed. */
function pageLinkSigner(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'dossier-web', 'board-page-link', 32));
  const mac = (token: string) => createHmac('sha256', key).update(token).digest().subarray(0, 16);
  return {
    sign: (token: string) => `${token}.${mac(token).toString('base64url')}`,
    /** The token, or undefined when the link was not signed here. */
    open(link: string): string | undefined {
      const dot = link.lastIndexOf('.');
      const [token, given] = [link.slice(0, dot), Buffer.from(link.slice(dot + 1), 'base64url')];
      return dot > 0 && given.length === 16 && timingSafeEqual(given, mac(token)) ? token : undefined;
    },
  };
}

/** Durations of a request's parts, as a Server-Timing header (`list;dur=12.3, render;dur=4.5`). */
class Timing {
  private readonly parts: [string, number][] = [];
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.parts.push([name, performance.now() - started]);
    }
  }
  header(): string {
    return this.parts.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', ');
  }
}

/**
 * A file a vendor (or anyone writing to the case mailbox) sent, or one Dossier's own mail carried, as a
 * download under its name: never shown in the workspace's own origin, since its type and content are
 * the sender's (an HTML file would run as a workspace page), and not kept by a shared cache.
 */
function download(c: Context<WebEnv>, file: { name: string; type: string; content: Uint8Array }): Response {
  c.header('Content-Type', MIME_TYPE.test(file.type) ? file.type : 'application/octet-stream');
  c.header('Content-Disposition', attachmentDisposition(file.name));
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Cache-Control', 'private, no-store');
  return c.body(new Uint8Array(file.content));
}

/** A type/subtype as a Content-Type header carries it (RFC 6838's characters); anything else goes as bytes. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * A download under the vendor's file name (RFC 6266): the name in UTF-8 for browsers (RFC 8187), and
 * for older ones a plain-ASCII copy, each character it cannot carry (accents, quotes) an underscore.
 */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // Well formed first: encodeURIComponent throws on a lone surrogate, and the intake's names are the
  // sender's; a name recorded before the intake made them well formed must still download.
  const utf8 = encodeURIComponent(wellFormed(name)).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

function refOf(c: Context<WebEnv>): EngagementRef {
  return { campaignId: c.req.param('campaign')!, vendorId: c.req.param('vendor')! };
}

function signsStatement(user: SignedInUser, draft: StatementDraft | undefined): boolean {
  return Boolean(user.authorityId && draft?.campaign.authorities.some((a) => a.id === user.authorityId));
}

/** A form's main field, then fields a refusal may name (matched against the workflow's words). */
type FieldPlacement = [string, ...[RegExp, string][]];

/**
 * The input of a form that holds a field a refusal names by key and item (`assessment-fr`,
 * `security/2`: workflows/text-rules.ts FIELDS); undefined for a field the form does not have.
 */
type InputOfField = (key: string, item: string) => string | undefined;

/**
 * A form's problems, or the workflow's refusal next to the field it names; other errors pass. A
 * refusal that names its fields by key (a text refused in one language, or several problems each
 * naming its own) is shown at each field's input (`inputOf`), what names none where it was before.
 */
function formErrors(err: unknown, [mainField, ...named]: FieldPlacement, inputOf?: InputOfField): FieldErrors | undefined {
  if (err instanceof FormProblem) return err.errors;
  if (err instanceof DossierClientError && (err.code === ClientErrorCode.Refused || err.code === ClientErrorCode.InvalidInput)) {
    const message = err.message.replace(/^.*? refused: /, '');
    const refusal = refusalDetails(err);
    // A refusal of the case's stage concerns no one field; its sentence lists stages ("reply-received")
    // that the patterns would take for a field's name.
    const byStage = refusal?.refusal.endsWith('-stage') ?? false;
    const field = (byStage ? undefined : named.find(([pattern]) => pattern.test(message))?.[1]) ?? mainField;
    const atInputs = refusal && inputOf && refusalAtInputs(refusal, inputOf, field);
    if (atInputs) return Object.fromEntries(Object.entries(atInputs).map(([input, each]) => [input, { message, refusal: each }]));
    return { [field]: { message, ...(refusal ? { refusal } : {}) } };
  }
  return undefined;
}

/**
 * A refusal's problems by the input each concerns (`otherwise` for those no input holds), each
 * input's as one refusal; undefined when no problem names an input, or one has no code.
 */
function refusalAtInputs(refusal: RefusalDetails, inputOf: InputOfField, otherwise: string): Record<string, RefusalDetails> | undefined {
  const byInput = new Map<string, RefusalDetails[]>();
  let named = false;
  for (const { field, refusal: each } of refusedFields(refusal)) {
    const colon = field?.indexOf(':') ?? -1;
    const input = field && inputOf(colon < 0 ? field : field.slice(0, colon), colon < 0 ? '' : field.slice(colon + 1));
    named ||= input !== undefined;
    byInput.set(input ?? otherwise, [...(byInput.get(input ?? otherwise) ?? []), each]);
  }
  if (!named) return undefined;
  const placed: Record<string, RefusalDetails> = {};
  for (const [input, list] of byInput) {
    const one = refusalOfAll(list);
    if (!one) return undefined;
    placed[input] = one;
  }
  return placed;
}

/** A finding's input (`assessment-security`, `practices-security`) and language, by the field a refusal names. */
function findingInput(key: string, item: string): { input: string; language: string } | undefined {
  const field = /^(assessment|good-practice)-(en|fr)$/.exec(key);
  return field ? { input: `${field[1] === 'assessment' ? 'assessment' : 'practices'}-${item.split('/')[0]}`, language: field[2]! } : undefined;
}

/**
 * The inputs of the forms with a field in each language, by the fields a refusal names: the
 * engagement's conclusion (its English fields unsuffixed), the statement's findings page, the
 * vendors' texts and the conclusions.
 */
const INPUTS_OF_FIELDS: Record<'answer' | 'conclude' | 'findings' | 'summaries' | 'conclusions', InputOfField> = {
  // Each open question's answer has a field of its own (`answer-q2`).
  answer: (key, item) => (key === 'answer' && item ? `answer-${item}` : undefined),
  conclude: (key, item) => {
    const finding = findingInput(key, item);
    return finding && (finding.language === 'fr' ? `${finding.input}-fr` : finding.input);
  },
  findings: (key, item) => {
    const finding = findingInput(key, item);
    return finding && `${finding.input}-${finding.language}`;
  },
  summaries: (key, item) => {
    const field = /^(vendor-summary|observation)-(en|fr)$/.exec(key);
    if (!field) return undefined;
    return field[1] === 'vendor-summary' ? `summary-${item}-${field[2]}` : `observation-${item.replace('/', '-')}-${field[2]}`;
  },
  conclusions: (key) => {
    const field = /^(conclusions|lessons)(?:-paragraph)?-(en|fr)$/.exec(key);
    return field ? `${field[1]}-${field[2]}` : undefined;
  },
};

export interface BoardRow {
  vendorId: string;
  vendorName: string;
  stage?: string;
  stageKey: string;
  nextDeadline?: string;
  overdueDays?: number;
  lastContact?: string;
  nextAction?: string;
  nextActionAt?: string;
  /** A reply waits for review where the stage does not already say so (a round, a demonstration). */
  replyWaiting: boolean;
  running: boolean;
}

/** "reminder 2 on 12 Dec 2020", "final notice (follow-up round 1) on …": the engine's next step, as the workflow planned it. */
function nextActionText(next: NonNullable<EngagementSummary['nextAction']>, language: Language, views: Views, timeZone: string): string {
  const [subject, detail] = next.about.split(':');
  const about = subject === 'follow-up' ? views.text(language, 'next.about-follow-up', { round: detail }) : '';
  return views.text(language, `next.${next.kind}`, { number: next.number, date: views.date(next.at, language, timeZone), about });
}

/**
 * Names each engagement visibility listed with its vendor's name, as the campaign knows it; one the
 * lead closed or excluded at drafting (`endedByLead`, the board query's) reads so, not as withdrawn.
 */
export function boardRows(
  vendorNames: Record<string, string>,
  found: EngagementSummary[],
  at: Date,
  language: Language,
  views: Views,
  timeZone = 'UTC',
  endedByLead: Record<string, OpenCaseAction> = {},
): BoardRow[] {
  return found.map((e) => {
    const running = e.executionStatus === 'RUNNING';
    const deadline = e.nextDeadline ? Date.parse(e.nextDeadline) : undefined;
    const late = running && deadline !== undefined && deadline < at.getTime();
    const stage = stageAsDecided(e.stage, e.vendorId !== undefined && Object.hasOwn(endedByLead, e.vendorId) ? endedByLead[e.vendorId] : undefined);
    return {
      vendorId: e.vendorId ?? e.workflowId,
      vendorName: (e.vendorId !== undefined && Object.hasOwn(vendorNames, e.vendorId) ? vendorNames[e.vendorId] : undefined) ?? e.vendorId ?? e.workflowId,
      stage,
      stageKey: `stage.${stage ?? 'sending-letter'}`,
      nextDeadline: running ? e.nextDeadline : undefined,
      overdueDays: late ? Math.max(1, Math.ceil((at.getTime() - deadline!) / DAY_MS)) : undefined,
      lastContact: e.lastContact,
      nextActionAt: running ? e.nextAction?.at : undefined,
      nextAction: running && e.nextAction ? nextActionText(e.nextAction, language, views, timeZone) : undefined,
      replyWaiting: running && e.replyWaiting === true && e.stage !== 'reply-received',
      running,
    };
  });
}

/** The board's stages, in its filter and its sort: the engagements' own, then those the lead's decisions give a withdrawn one. */
const BOARD_STAGES = [...ENGAGEMENT_STAGES, ...DECIDED_STAGES] as const;
type BoardStage = (typeof BOARD_STAGES)[number];

/** One collator for every sort: `localeCompare` sets one up per call, thousands of times for a big board. */
const COLLATOR = new Intl.Collator();

function compareRows(sort: (typeof BOARD_SORTS)[number]): (a: BoardRow, b: BoardRow) => number {
  const text = (a?: string, b?: string) => COLLATOR.compare(a ?? '\uffff', b ?? '\uffff');
  switch (sort) {
    case 'vendor':
      return (a, b) => text(a.vendorName, b.vendorName);
    case 'stage':
      return (a, b) => BOARD_STAGES.indexOf(a.stage as BoardStage) - BOARD_STAGES.indexOf(b.stage as BoardStage) || text(a.vendorName, b.vendorName);
    case 'contact':
      return (a, b) => text(a.lastContact, b.lastContact) || text(a.vendorName, b.vendorName);
    case 'action':
      return (a, b) => text(a.nextActionAt, b.nextActionAt) || text(a.vendorName, b.vendorName);
    case 'deadline':
      return (a, b) => text(a.nextDeadline, b.nextDeadline) || text(a.vendorName, b.vendorName);
  }
}

/**
 * What the engagement's next deadline is for, found as the workflow finds it (engagement-state.ts
 * `nextDeadline`): the response while it is owed, else the earliest of the open rounds' answers and the
 * outcomes of demonstrations still to record. Undefined when nothing matches (a worker that counts otherwise).
 */
function nextDeadlineFor(status: EngagementStatus): { kind: 'response' | 'answers' | 'demonstration'; round?: number; id?: string } | undefined {
  const due = status.nextDeadline;
  if (due === undefined) return undefined;
  if (['sending-letter', 'awaiting-response', 'reply-received'].includes(status.stage)) return due === status.responseDueDate ? { kind: 'response' } : undefined;
  const openRounds = new Set(status.openQuestions.map((q) => q.round));
  const round = (status.rounds ?? []).find((r) => openRounds.has(r.round) && r.dueDate === due);
  if (round) return { kind: 'answers', round: round.round };
  // A demonstration's outcome falls due after the meeting; without the calendar's date (resultDue), the earliest still to record.
  const pending = status.demonstrations.filter((d) => d.result === undefined);
  const demonstration = pending.find((d) => d.resultDue === due) ?? pending.filter((d) => d.resultDue === undefined).sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  return demonstration ? { kind: 'demonstration', id: demonstration.id } : undefined;
}

/** A contact as a mail client writes it, `Name <address>`, and the address alone when it has no name. */
function contactText(contact: { name?: string; email: string }): string {
  return contact.name ? `${contact.name} <${contact.email}>` : contact.email;
}

/**
 * The timeline's entries of mail received end with its sender and subject as recorded: the subject,
 * the vendor's words, is given apart with the language the intake found it in, for the page to mark.
 */
function subjectsMarked(worded: WordedEntry[], status: EngagementStatus): (WordedEntry & { said?: { text: string; lang: string } })[] {
  return worded.map((entry, i) => {
    const recorded = status.timeline[i];
    if (recorded?.what !== 'reply received, to review' && recorded?.what !== 'automatic reply recorded') return entry;
    const message = (status.inbox ?? []).find((m) => m.language && m.subject && m.recordedAt === recorded.at && recorded.detail?.startsWith(`${m.from}: ${m.subject}`));
    if (!message || !entry.what.endsWith(message.subject)) return entry;
    return { ...entry, what: entry.what.slice(0, -message.subject.length), said: { text: message.subject, lang: message.language! } };
  });
}

/**
 * What the engagement page shows, and which action forms the stage offers (the workflow still
 * decides). A form just refused is shown again whatever the case became meanwhile (closed at its
 * deadline, concluded or answered by another officer), so its refusal and what was typed come back.
 */
/** How long the engagement page waits for its campaign to say whether the lead closed or excluded a withdrawn case. */
const DECISION_TIMEOUT_MS = 3_000;

/**
 * The response's files by the names it lists, each with the document kept for it where there is one
 * (the first of that name not yet taken: two files may share a name).
 */
function responseDocuments(status: EngagementStatus): { name: string; document?: DocumentRef }[] {
  const kept = [...(status.response?.documents ?? [])];
  return (status.response?.attachments ?? []).map((name) => {
    const at = kept.findIndex((d) => d.name === name);
    return { name, document: at < 0 ? undefined : kept.splice(at, 1)[0] };
  });
}

/** Where a received document downloads from: one of the message `messageId`, or without it one of the response. */
function receivedDocumentHref(ref: EngagementRef, documentId: string, messageId?: string): string {
  const message = messageId === undefined ? '' : `id=${encodeURIComponent(messageId)}&`;
  return `/campaigns/${encodeURIComponent(ref.campaignId)}/engagements/${encodeURIComponent(ref.vendorId)}/mail/received/document?${message}document=${encodeURIComponent(documentId)}`;
}

/** `downloads`: the workspace reads the document store, so each document kept there is a link to its bytes. */
function engagementView(status: EngagementStatus, user: SignedInUser, done: string | undefined, sent?: SubmittedForm, decided?: OpenCaseAction, downloads = false) {
  const final = FINAL_STAGES.includes(status.stage);
  const act = can(user.roles, 'act-on-engagements') && !final;
  const refused = can(user.roles, 'act-on-engagements') ? sent?.action : undefined;
  const demonstrationRefused = refused === 'demo-outcome' || refused === 'reschedule-demo' ? sent?.values.demonstrationId : undefined;
  const replyRefused = refused === 'confirm-reply' || refused === 'dismiss-reply' ? sent?.values.messageId : undefined;
  const offered = (action: string, whileOpen = true) => (act && whileOpen) || refused === action;
  const correspondence = status.timeline.filter((t) => / sent$| not delivered$/.test(t.what));
  const mailPath = `/campaigns/${encodeURIComponent(status.campaignId)}/engagements/${encodeURIComponent(status.vendorId)}/mail`;
  const ref: EngagementRef = { campaignId: status.campaignId, vendorId: status.vendorId };
  // A reply taken as the response or as answers as it came keeps the language the intake found it
  // in, so a screen reader reads the vendor's words in theirs; a text an officer typed has none.
  const languageOfReply = (text: string | undefined) =>
    text === undefined ? undefined : (status.inbox ?? []).find((m) => m.language && m.review === 'confirmed' && m.text.trim() === text)?.language;
  return {
    status,
    responseLanguage: languageOfReply(status.response?.summary),
    questions: status.questions.map((q) => ({ ...q, answerLanguage: languageOfReply(q.answer) })),
    // Withdrawn by the lead's decision at drafting: closed by the lead, or excluded, as the statement says.
    stageKey: `stage.${stageAsDecided(status.stage, decided)}`,
    withdrawalKey: decided === undefined ? 'engagement.withdrawal' : `engagement.withdrawal-as.${stageAsDecided('withdrawn', decided)}`,
    // An ended case awaits no response: the page says how it ended instead.
    noResponseEndedKey: final ? `engagement.no-response-ended.${stageAsDecided(status.stage, decided)}` : undefined,
    final,
    done,
    correspondence: correspondence.map((t) => ({ ...t, href: / sent$/.test(t.what) && stepOf(t) ? `${mailPath}/sent/${encodeURIComponent(stepOf(t)!)}` : undefined })),
    received: (status.inbox ?? []).map((m) => ({ ...m, href: `${mailPath}/received?id=${encodeURIComponent(m.messageId)}`, kindKey: `kind.${m.kind}`, reviewKey: `review.${m.review}` })),
    // The response's documents, then those of any other mail recorded (to review, dismissed, taken as
    // answers), each with a link to its message: the section never says none came while some did.
    // Each document kept in the store also links to its own download (recorded, as every download is).
    documents: [
      ...responseDocuments(status).map(({ name, document }) => ({ name, download: downloads && document ? receivedDocumentHref(ref, document.id) : undefined })),
      ...(status.inbox ?? [])
        .filter((m) => m.messageId !== status.response?.messageId)
        .flatMap((m) =>
          m.documents.map((d) => ({
            name: d.name,
            subject: m.subject || m.messageId,
            language: m.subject ? m.language : undefined,
            href: `${mailPath}/received?id=${encodeURIComponent(m.messageId)}`,
            download: downloads ? receivedDocumentHref(ref, d.id, m.messageId) : undefined,
          })),
        ),
    ],
    // What the invitation said (how long, who, where): an officer answering the vendor needs it at hand.
    demonstrations: status.demonstrations.map((d) => ({ ...d, attendees: (d.attendees ?? []).map(contactText) })),
    pendingDemonstrations: status.demonstrations.filter((d) => d.result === undefined || d.id === demonstrationRefused),
    // Replies the intake recorded for an officer to take as the response or as answers, or to dismiss
    // (the CLI's confirm-reply and dismiss-reply); numbered by their place in the inbox, which only grows.
    repliesToReview: (status.inbox ?? [])
      .map((m, n) => ({
        ...m,
        n,
        href: `${mailPath}/received?id=${encodeURIComponent(m.messageId)}`,
        // Taken as the response only while it is owed (the workflow refuses it after); a refused one is shown again.
        asResponse: RESPONSE_STAGES.includes(status.stage) || (m.messageId === replyRefused && sent?.values.as === 'response'),
      }))
      .filter((m) => (act && m.review === 'to-review') || m.messageId === replyRefused),
    findings:
      status.findings &&
      PRINCIPLES.map((p) => {
        // Each language's text apart, so the page marks it with its own language for a screen reader.
        const both = (t: RecordedText) => Object.entries(publicText(t)).filter(([, text]) => text).map(([lang, text]) => ({ lang, text }));
        const finding = status.findings![p];
        return { principle: p, assessment: both(finding.assessment), goodPractices: finding.goodPractices.map(both) };
      }),
    principles: PRINCIPLES.map((p) => ({ principle: p })),
    results: DEMONSTRATION_RESULTS.map((r) => ({ value: r, key: `result.${r}` })),
    // A form is offered only where the case accepts it now (the workflow's own rules, engagement-rules.ts
    // `accepts…`): no follow-up question while the response is awaited, no conclusion before the
    // outcomes of the demonstrations. What is typed into it is still the workflow's to refuse, next to the field.
    actions:
      act || refused
        ? {
            respond: offered('respond', acceptsResponse(status)),
            ask: offered('ask', acceptsFollowUpQuestions(status)),
            extend: offered('extend', acceptsExtension(status)),
            scheduleDemo: offered('schedule-demo', acceptsDemonstration(status)),
            conclude: offered('conclude', acceptsConclusion(status)),
            withdraw: offered('withdraw'),
            answer: offered('answer', acceptsAnswers(status)),
            // Where the stage takes questions or answers but the case's text is full, the page says so instead.
            questionsTextFull: act && textLimitStopsQuestions(status),
            demonstrations: (act && status.demonstrations.some((d) => d.result === undefined)) || demonstrationRefused !== undefined,
            replies: (act && (status.inbox ?? []).some((m) => m.review === 'to-review')) || replyRefused !== undefined,
            // Only while the letter waits for a corrected address: at any other stage there is none to correct.
            correctContact: offered('correct-contact', status.stage === 'letter-undeliverable'),
            // At any other stage of an open case; a refused letter's address is corrected above instead.
            changeContacts: offered('change-contacts', status.stage !== 'letter-undeliverable'),
          }
        : undefined,
    contacts: (status.contacts ?? []).map(contactText),
    nextDeadlineFor: nextDeadlineFor(status),
    refusedAddresses: (status.contacts ?? []).map((c) => c.email).join(', '),
    contactName: status.contacts?.[0]?.name,
    contactAddresses: (status.contacts ?? []).map((c) => c.email).join(', '),
    contactChanges: CONTACT_CHANGES.map((value) => ({ value, key: `contact-change.${value}` })),
  };
}
