// Types of failure-converter.js, plain CommonJS the SDK loads by path.
import type { FailureConverter } from '@temporalio/common';

/** Metadata naming a payload a failure's part: `attributes` (message and stack) or `details`. */
export declare const FAILURE_PART_METADATA: string;
export declare const failureConverter: FailureConverter;
