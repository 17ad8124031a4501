/**
 * Asynchronous steps run after the operation commits, one at a time, each recorded as a system job
 * (`asyncoperation`): created Waiting inside the operation's transaction (so a rolled-back
 * operation leaves no job), In Progress while its webhook call runs, then Completed with status
 * Succeeded or Failed and the error message (Learn, "Register a WebHook": failed asynchronous
 * steps are queried from `asyncoperations` with `statuscode eq 31`). Succeeded jobs of steps
 * registered with `asyncautodelete` are deleted.
 */
import { randomUUID } from "node:crypto";
import { asyncOperation, AsyncOperationState, AsyncOperationStatus } from "@fsi/core";
import { webhookFailed } from "../errors";
import type { DataverseStore } from "../storage/store";
import { normalizeDateTime } from "../storage/values";
import type { RemoteExecutionContext } from "./execution-context";
import type { RegisteredStep } from "./registrations";
import type { Transaction, TransactionGate } from "./transactions";
import { postToWebhook, type WebhookOutcome } from "./webhook-client";
import { webhookPayload } from "./webhook-payload";

export interface AsyncJob {
  readonly jobId: string;
  readonly step: RegisteredStep;
  readonly context: RemoteExecutionContext;
  readonly correlationId: string;
  readonly depth: number;
  readonly entityName: string;
  readonly messageName: string;
  readonly organization: string;
}

/** `0x80050201` as the signed 32-bit integer Dataverse stores in `errorcode`. */
function errorCodeNumber(hex: string): number {
  return Number.parseInt(hex, 16) | 0;
}

export class AsyncJobRunner {
  private readonly queue: AsyncJob[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: DataverseStore,
    private readonly gate: TransactionGate,
    private readonly timeoutMs: () => number,
    private readonly payloadLimitBytes: number,
    private readonly clock: () => Date,
    /** Where a job that could not even be recorded as failed is reported (a closed database, ...). */
    private readonly log: (message: string) => void,
  ) {}

  /** Records the job as Waiting, in the operation's transaction (a rolled-back operation leaves no job). */
  record(transaction: Transaction, job: Omit<AsyncJob, "jobId">, primaryEntityId: string): AsyncJob {
    const jobId = randomUUID();
    const now = normalizeDateTime(this.clock());
    const row = {
      asyncoperationid: jobId,
      name: job.step.name,
      operationtype: 1,
      messagename: job.messageName,
      primaryentitytype: job.entityName,
      regardingobjectid: primaryEntityId,
      correlationid: job.correlationId,
      owningextensionid: { id: job.step.id, logicalName: "sdkmessageprocessingstep" },
      depth: job.depth,
      retrycount: 0,
      statecode: AsyncOperationState.Ready,
      statuscode: AsyncOperationStatus.WaitingForResources,
      createdon: now,
      modifiedon: now,
      versionnumber: this.store.nextVersion(),
    };
    transaction.record(asyncOperation, jobId, row, (store) => {
      store.insertRow(asyncOperation, row);
    });
    return { ...job, jobId };
  }

  /** Starts a recorded job once its operation has committed. */
  start(job: AsyncJob): void {
    this.queue.push(job);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when every queued job has finished. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async drain(): Promise<void> {
    for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) {
      try {
        await this.runJob(job);
      } catch (error) {
        this.log(
          `dataverse: system job ${job.jobId} (${job.step.name}) could not run: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  private async runJob(job: AsyncJob): Promise<void> {
    this.setStatus(job.jobId, AsyncOperationState.Locked, AsyncOperationStatus.InProgress);
    const payload = webhookPayload(job.context, this.payloadLimitBytes);
    const outcome: WebhookOutcome = await postToWebhook(
      job.step.endpoint,
      {
        organization: job.organization,
        entityName: job.entityName,
        requestName: job.messageName,
        correlationId: job.correlationId,
        body: payload.body,
        sizeExceeded: payload.sizeExceeded,
      },
      this.timeoutMs(),
    );
    if (outcome.ok && job.step.asyncAutoDelete) {
      this.gate.write(() => {
        this.store.deleteRow(asyncOperation, job.jobId);
      });
      return;
    }
    const error = outcome.ok ? undefined : webhookFailed(outcome.failure);
    this.gate.write(() => {
      const now = normalizeDateTime(this.clock());
      this.store.updateRow(asyncOperation, job.jobId, {
        statecode: AsyncOperationState.Completed,
        statuscode: error === undefined ? AsyncOperationStatus.Succeeded : AsyncOperationStatus.Failed,
        message: error === undefined || outcome.ok ? null : `${error.message}\r\n${outcome.detail}`,
        friendlymessage: error?.message ?? null,
        errorcode: error === undefined ? null : errorCodeNumber(error.code),
        completedon: now,
        modifiedon: now,
        versionnumber: this.store.nextVersion(),
      });
    });
  }

  private setStatus(jobId: string, state: number, status: number): void {
    this.gate.write(() => {
      this.store.updateRow(asyncOperation, jobId, {
        statecode: state,
        statuscode: status,
        modifiedon: normalizeDateTime(this.clock()),
        versionnumber: this.store.nextVersion(),
      });
    });
  }
}
