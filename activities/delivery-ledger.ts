// Remembers which Message-IDs the mail server accepted, so a send retried after a crash or a timeout
// delivers no second copy: one file per message, keyed by the deterministic Message-ID. A claim file
// marks a send in progress, so a retry that starts while a timed-out attempt is still in its SMTP
// transaction waits for that attempt's outcome instead of sending again. The claim is a symbolic
// link whose target is the claim itself, kept under 60 bytes: creating one is exclusive like an
// O_EXCL file, but the filesystem keeps so short a target in the inode, with no data block to
// write and free: these synchronous calls hold the worker's event loop, once per email (issue 16).
// Two processes on one host may both find a claim dead: a claim is only ever changed (taken over,
// renewed, given back) under an exclusive marker next to it, so one of them takes it (swapClaim).
// A claim need not outlive a power cut (its process does not either); the record must, since it is
// all a retry has to know the message went out: it is flushed to disk, off the event loop. A claim
// also carries the due date its send states, written before the hand-off to the relay: an attempt
// that takes over from a crash states the same date as the copy the vendor may already hold.
import { hash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeFolderNow, writeAtomically } from '../store/durable-files';

export interface DeliveryRecord {
  messageId: string;
  accepted: string[];
  rejected: string[];
  deliveredAt: string;
  /** Recipients the server deferred (4xx) who are still owed the message; absent once everyone has it. */
  deferred?: string[];
  /**
   * Sent again after an earlier attempt died in its SMTP transaction: if the server had accepted
   * that copy, recipients got two with the same Message-ID (which mail clients collapse).
   */
  resentAfterCrash?: boolean;
  /**
   * The due date the message stated, when the send counted it (`MessageDetails.dueAfter`): a retry
   * that finds it delivered reports it, and one owed to deferred recipients states the same. An open
   * letter's is recorded too when it was given (`MessageDetails.dueDate`), so that its copy for the
   * publication folder can be made again as the vendor received it (`fileLetterCopies`).
   */
  dueDate?: string;
  /**
   * An open letter's SHA-256 (hex) of the PDF it carried: the campaign's look at the publication
   * folder tells by it whether the copy on file is the letter the vendor received. Records written
   * before it have none.
   */
  letterSha256?: string;
}

/** Either the message was already delivered, or this attempt holds the claim and must send it. */
export type SendTurn =
  | { delivered: DeliveryRecord }
  | {
      delivered?: undefined;
      release(): Promise<void>;
      /**
       * Leaves the claim as a send that died in its SMTP transaction leaves it (its worker is stopping
       * and cannot learn the outcome): marked given up, it is taken over at once as a crash's, by any
       * worker, and the attempt that takes over sends again with `resentAfterCrash`. Never throws: a
       * mark that cannot be written leaves the claim to expire at the end of its lease.
       */
      abandon(): Promise<void>;
      tookOverFromCrash: boolean;
      /** The record of an earlier partial delivery (recipients still `deferred`), read under the claim. */
      partial?: DeliveryRecord;
      /**
       * The due date an attempt that died holding this claim stated before handing the message to the
       * relay: its copy may have gone out, so this one states the same (`MessageDetails.dueAfter`).
       */
      dueDateStated?: string;
      /**
       * Writes on the claim the due date this attempt's copy states, before the hand-off to the relay,
       * for an attempt that takes over should this one die; renews the claim too. Throws, and nothing
       * must be sent, when another attempt has taken the claim over or it cannot be written.
       */
      stateDueDate(dueDate: string): Promise<void>;
    };

/** How a ledger holds one claim: given back, and kept alive while the send takes its time. */
export interface HeldClaim {
  release(): Promise<void>;
  /**
   * Marks the claim given up: its lease ends now, so another worker need not wait for it to run out
   * while the stopping worker still lives (a restart overlapping its shutdown grace).
   */
  abandon(): void | Promise<void>;
  /** Pushes the claim's expiry a lease further, if it is still this attempt's. */
  renew(): Promise<void>;
  /** Writes the due date the send states on the claim and renews it; throws if another attempt took it over. */
  stateDueDate(dueDate: string): Promise<void>;
  leaseMs: number;
}

/**
 * The turn of an attempt that has just taken a message's claim, for both ledgers: the record is read
 * under the claim, so a delivery another attempt finished meanwhile is returned, not sent again.
 * While the turn is held the claim is renewed three times a lease: a send that waits its turn on a
 * busy SMTP pool for longer than a lease is still alive, and another host must not send it too.
 */
export async function turnUnderClaim(
  claim: HeldClaim,
  read: () => DeliveryRecord | undefined | Promise<DeliveryRecord | undefined>,
  tookOverFromCrash: boolean,
  dueDateStated?: string,
): Promise<SendTurn> {
  let record: DeliveryRecord | undefined;
  try {
    record = await read();
  } catch (err) {
    await claim.release().catch(() => undefined);
    throw err;
  }
  if (record && !record.deferred?.length) {
    // Once the record is there a claim left behind holds no attempt up: the outcome stands either way.
    await claim.release().catch(() => undefined);
    return { delivered: record };
  }
  // A renewal that fails (the database away for a moment) is tried again at the next tick.
  const renewing = setInterval(() => void claim.renew().catch(() => undefined), Math.max(10, Math.floor(claim.leaseMs / 3)));
  renewing.unref();
  const release = () => {
    clearInterval(renewing);
    return claim.release();
  };
  const abandon = async () => {
    clearInterval(renewing);
    try {
      await claim.abandon();
    } catch {
      // Unmarked, the claim is taken over once its lease runs out unrenewed.
    }
  };
  return {
    release,
    abandon,
    tookOverFromCrash,
    stateDueDate: (dueDate) => claim.stateDueDate(dueDate),
    ...(record ? { partial: record } : {}),
    ...(dueDateStated === undefined ? {} : { dueDateStated }),
  };
}

export interface BeginOptions {
  /** Stops waiting for another attempt's claim (the activity was cancelled or timed out). */
  signal?: AbortSignal;
}

export interface DeliveryLedger {
  find(messageId: string): Promise<DeliveryRecord | undefined>;
  /**
   * The records these messages have, by Message-ID (a message with none is absent), in one read: the
   * campaign's looks walk twenty letters and more of every vendor (activities/letter-accepted.ts),
   * and PostgreSQL pays a round trip a read. Callers keep a batch to a few thousand ids.
   */
  findMany(messageIds: readonly string[]): Promise<Map<string, DeliveryRecord>>;
  /**
   * Waits until no other live attempt is sending `messageId`, claims it, then reads its record:
   * delivered to everyone, the claim is released and the record returned; otherwise (no record, or
   * one with `deferred` recipients, claimed again to finish it) the claim is this attempt's turn.
   * Read under the claim, the record cannot change before the turn is released.
   */
  begin(messageId: string, options?: BeginOptions): Promise<SendTurn>;
  record(entry: DeliveryRecord): Promise<void>;
}

interface Claim {
  host: string;
  pid: number;
  token: string;
  expiresAt: number;
  /** The due date the send states (epoch milliseconds), once written before its hand-off. */
  dueDate?: number;
}

export interface FileDeliveryLedgerOptions {
  /**
   * How long another process's claim is trusted. Past it, a claim whose process cannot be checked
   * (another host) or is still alive but stuck is taken over. Longer than any SMTP transaction.
   */
  leaseMs?: number;
  pollMs?: number;
}

/** Claims held by sends in this process: their owner is alive exactly while they are listed here. */
const activeTokens = new Set<string>();
/**
 * Claims this process released but could not remove (another process held their marker past
 * MARKER_WAIT_MS): its own retry takes them over as released, not as a crash's, with no due date.
 */
const givenBack = new Set<string>();
/**
 * How long a change to a claim waits for another process's marker on it. A marker is held for a few
 * system calls; one held longer belongs to a process stopped in the middle (a dead one is taken over).
 */
const MARKER_WAIT_MS = 2_000;

export class FileDeliveryLedger implements DeliveryLedger {
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly folder: string,
    { leaseMs = 120_000, pollMs = 100 }: FileDeliveryLedgerOptions = {},
  ) {
    makeFolderNow(folder, 0o700);
    this.leaseMs = leaseMs;
    this.pollMs = pollMs;
  }

  private pathOf(messageId: string, suffix = 'json'): string {
    return join(this.folder, `${hash('sha256', messageId, 'hex')}.${suffix}`);
  }

  async find(messageId: string): Promise<DeliveryRecord | undefined> {
    return readRecord(this.pathOf(messageId));
  }

  /**
   * One file a message, so still one look at the disk each (a few microseconds for a missing one),
   * made without letting the event loop go, as `find` does: a caller reading many batches lets it go
   * between them (walkEach in letter-accepted.ts). Read concurrently through fs/promises instead,
   * the same look took two to four times as long on two cores.
   */
  async findMany(messageIds: readonly string[]): Promise<Map<string, DeliveryRecord>> {
    const found = new Map<string, DeliveryRecord>();
    for (const messageId of new Set(messageIds)) {
      const record = readRecord(this.pathOf(messageId));
      if (record) found.set(messageId, record);
    }
    return found;
  }

  async begin(messageId: string, { signal }: BeginOptions = {}): Promise<SendTurn> {
    const recordPath = this.pathOf(messageId);
    const claimPath = this.pathOf(messageId, 'sending');
    for (;;) {
      const claim = this.newClaim();
      if (createClaim(claimPath, claim)) return this.turn(messageId, claimPath, claim, false);
      // A claim left behind by an attempt that did record its outcome must not hold this one up.
      const delivered = readRecord(recordPath);
      if (delivered && !delivered.deferred?.length) return { delivered };
      const held = readClaim(claimPath);
      if (held && !ownerAlive(held)) {
        // The earlier attempt died without recording an outcome: whether the server accepted its
        // copy is unknowable here, so send again (same Message-ID, which mail clients collapse).
        // Swapped in whole while it is still that dead claim: removed then created, two processes
        // that both read it dead each took it over and sent. Its due date is carried into this
        // attempt's claim, so a second crash before its hand-off keeps the date too. A claim this
        // process gave back, but could not remove, is no crash's: nothing went out under it unrecorded.
        const released = isOwn(held) && givenBack.has(held.token);
        const taking = { ...claim, ...(released || held.dueDate === undefined ? {} : { dueDate: held.dueDate }) };
        if (swapClaim(claimPath, held.token, taking, (current) => !ownerAlive(current), this.leaseMs) === 'swapped') {
          givenBack.delete(held.token);
          return this.turn(messageId, claimPath, taking, !released);
        }
        // Another attempt took it over first, or is taking it over: its claim is waited for as any.
      }
      signal?.throwIfAborted();
      await sleep(this.pollMs, undefined, { signal });
    }
  }

  private newClaim(): Claim {
    return { host: thisHost(), pid: process.pid, token: randomBytes(8).toString('base64url'), expiresAt: Date.now() + this.leaseMs };
  }

  private turn(messageId: string, claimPath: string, claim: Claim, tookOverFromCrash: boolean): Promise<SendTurn> {
    activeTokens.add(claim.token);
    const held: HeldClaim = {
      // Still counted alive while it waits for another process's marker on the claim: given up at
      // once, the claim stayed until its lease ran out, and this process's own retry took it over
      // as a crash's (resentAfterCrash, though nothing had gone out twice).
      release: async () => {
        try {
          if ((await swapWhenFree(claimPath, claim.token, undefined, this.leaseMs)) === 'busy') {
            givenBack.add(claim.token);
            throw claimStuck(messageId);
          }
        } finally {
          activeTokens.delete(claim.token);
        }
      },
      // The claim stays on disk, expired: neither this process (ownerAlive) nor another counts it alive.
      abandon: async () => {
        activeTokens.delete(claim.token);
        await rewriteWhenFree(claimPath, claim, { expiresAt: 0 }, this.leaseMs);
      },
      renew: async () => {
        // An expired claim may already be another's: renewing it could keep two sends going.
        if (Date.now() < claim.expiresAt) rewriteClaim(claimPath, claim, { expiresAt: Date.now() + this.leaseMs }, this.leaseMs);
      },
      // Unlike a renewal, this goes on past the expiry while the claim is still ours (its send
      // took its time composing): the claim is then renewed too, and only a take-over refuses it.
      stateDueDate: async (stated) => {
        const outcome = await rewriteWhenFree(claimPath, claim, { dueDate: Date.parse(stated), expiresAt: Date.now() + this.leaseMs }, this.leaseMs);
        if (outcome === 'changed') throw claimLost(messageId);
        if (outcome === 'busy') throw claimStuck(messageId);
      },
      leaseMs: this.leaseMs,
    };
    const dueDate = claim.dueDate === undefined ? undefined : new Date(claim.dueDate).toISOString();
    return turnUnderClaim(held, () => readRecord(this.pathOf(messageId)), tookOverFromCrash, dueDate);
  }

  /**
   * Written aside, flushed, renamed into place and its folder flushed, before the send is reported
   * done: the retry of a send whose completion Temporal never committed (the host lost power), or
   * whose deferred recipients are still owed it, reads this record to learn who already has it.
   */
  async record(entry: DeliveryRecord): Promise<void> {
    await writeAtomically(this.pathOf(entry.messageId), JSON.stringify(entry), { mode: 0o600 });
  }
}

function isOwn(claim: Claim): boolean {
  return (claim.host === thisHost() || claim.host === hostname()) && claim.pid === process.pid;
}

function ownerAlive(claim: Claim): boolean {
  const sameHost = claim.host === thisHost() || claim.host === hostname();
  if (isOwn(claim)) return activeTokens.has(claim.token);
  if (Date.now() > claim.expiresAt) return false;
  if (!sameHost) return true;
  try {
    process.kill(claim.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the claim, or returns false when another attempt's claim is there. */
function createClaim(path: string, claim: Claim): boolean {
  try {
    symlinkSync(claimText(claim), path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * The same claim with a later expiry or its due date, swapped in only while it is still ours: once,
 * for a renewal (the next tick tries again; a renewal that waited could undo an abandon made
 * meanwhile). 'changed' when it is no longer ours, 'busy' when another process held its marker.
 */
function rewriteClaim(path: string, claim: Claim, changes: Partial<Pick<Claim, 'expiresAt' | 'dueDate'>>, leaseMs: number): SwapOutcome {
  const outcome = swapClaim(path, claim.token, { ...claim, ...changes }, () => true, leaseMs);
  if (outcome === 'swapped') Object.assign(claim, changes);
  return outcome;
}

/** rewriteClaim, waiting up to MARKER_WAIT_MS for another process's marker on the claim. */
function rewriteWhenFree(path: string, claim: Claim, changes: Partial<Pick<Claim, 'expiresAt' | 'dueDate'>>, leaseMs: number): Promise<SwapOutcome> {
  return untilMarkerFree(() => rewriteClaim(path, claim, changes, leaseMs));
}

/** swapClaim of our own claim, waiting up to MARKER_WAIT_MS for another process's marker on it. */
function swapWhenFree(path: string, token: string, next: Claim | undefined, leaseMs: number): Promise<SwapOutcome> {
  return untilMarkerFree(() => swapClaim(path, token, next, () => true, leaseMs));
}

async function untilMarkerFree(swap: () => SwapOutcome): Promise<SwapOutcome> {
  const end = Date.now() + MARKER_WAIT_MS;
  for (let pause = 1; ; pause = Math.min(2 * pause, 50)) {
    const outcome = swap();
    if (outcome !== 'busy' || Date.now() >= end) return outcome;
    await sleep(pause);
  }
}

/** 'swapped'; 'changed': the claim is no longer `token`, or `still` no longer holds; 'busy': another live process holds its marker. */
type SwapOutcome = 'swapped' | 'changed' | 'busy';

/**
 * Swaps `next` in for the claim at `path` (a new link renamed over it), or removes it when `next` is
 * undefined, only while it is still the claim `token` and `still` holds of it ('changed' when not).
 * A read then a change is no compare-and-swap between processes: two that both read a claim dead
 * could each replace it, the second the first's fresh claim. So every change to a claim is made
 * holding its marker, a link named after the claim's token and created exclusively, and the claim
 * is read again under it: the process that created the marker first changes the claim, and any
 * other, once the marker is given back, finds a claim no longer `token`. A marker whose process
 * died holding it (for microseconds) is taken over the same way, under a marker of its own; one
 * whose process is alive makes this 'busy', and a change to one's own claim waits for it (untilMarkerFree).
 */
function swapClaim(path: string, token: string, next: Claim | undefined, still: (current: Claim) => boolean, leaseMs: number): SwapOutcome {
  const marker = `${path}.${hash('sha256', token, 'base64url').slice(0, 16)}.swap`;
  const mine: Claim = { host: thisHost(), pid: process.pid, token: randomBytes(8).toString('base64url'), expiresAt: Date.now() + leaseMs };
  while (!createClaim(marker, mine)) {
    const holder = readClaim(marker);
    if (!holder) continue;
    // Another process is changing this very claim: what it leaves is read afresh by the caller.
    if (ownerAlive(holder)) return 'busy';
    if (swapClaim(marker, holder.token, mine, (current) => !ownerAlive(current), leaseMs) !== 'swapped') return 'busy';
    break;
  }
  try {
    const current = readClaim(path);
    if (current?.token !== token || !still(current)) return 'changed';
    if (next) {
      const aside = `${path}.${next.token}.renew`;
      rmSync(aside, { force: true });
      symlinkSync(claimText(next), aside);
      renameSync(aside, path);
    } else {
      unlinkIfThere(path);
    }
    return 'swapped';
  } finally {
    // No other process changes a marker whose process is alive: this one is still ours.
    unlinkIfThere(marker);
  }
}

/** Thrown before the hand-off, so the retry Temporal makes finds the other attempt's outcome. */
export function claimLost(messageId: string): Error {
  return new Error(`The delivery ledger's claim on ${messageId} was taken over by another attempt before this one handed it to the relay: not sent by this attempt`);
}

/** Another process held the claim's marker throughout MARKER_WAIT_MS (stopped in the middle of a change). */
function claimStuck(messageId: string): Error {
  return new Error(
    `The delivery ledger's claim on ${messageId} could not be changed: another process on this host has held its marker (${MARKER_WAIT_MS} ms); if it stays stopped, the claim is taken over once its lease runs out`,
  );
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * The record, or undefined when there is none. Most sends find none: asking first spares the
 * ENOENT error a failed read would build; any other failure (the folder gone) still throws.
 */
function readRecord(path: string): DeliveryRecord | undefined {
  if (!statSync(path, { throwIfNoEntry: false })) return undefined;
  return readJson<DeliveryRecord>(() => readFileSync(path, 'utf8'));
}

let hostTag: string | undefined;
/** The host name, hashed to a fixed length so a claim stays short whatever the name. */
function thisHost(): string {
  hostTag ??= hash('sha256', hostname(), 'base64url').slice(0, 11);
  return hostTag;
}

/** `pid token expiresAt(base 36) host [dueDate(base 36)]`: at most 50 characters. */
function claimText({ pid, token, expiresAt, host, dueDate }: Claim): string {
  return `${pid} ${token} ${expiresAt.toString(36)} ${host}${dueDate === undefined ? '' : ` ${dueDate.toString(36)}`}`;
}

function readClaim(path: string): Claim | undefined {
  let text: string;
  try {
    text = readlinkSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // A claim an earlier version wrote as a JSON file (its host in clear).
    if (code === 'EINVAL') return readJson<Claim>(() => readFileSync(path, 'utf8'));
    throw err;
  }
  const [pid, token, expiresAt, host, dueDate] = text.split(' ');
  return { pid: Number(pid), token, expiresAt: parseInt(expiresAt, 36), host, ...(dueDate ? { dueDate: parseInt(dueDate, 36) } : {}) };
}

function readJson<T>(read: () => string): T | undefined {
  try {
    return JSON.parse(read()) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A claim an earlier version was writing at the very moment we read it may be empty: treat it as not there yet.
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}
