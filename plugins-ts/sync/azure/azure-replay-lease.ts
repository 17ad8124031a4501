/**
 * The replay lease as a Blob lease: one blob per lease, leased for a fixed duration and renewed
 * after every change applied, so only a dead holder's lease runs out. Blob Storage allows a lease
 * of 15 to 60 seconds (or infinite); acquiring a leased blob fails with 409 (LeaseAlreadyPresent);
 * an expired lease can be renewed as long as no one else has leased the blob since (Learn, "Lease
 * Blob" REST reference). The holder's name is written to the blob's metadata, for messages.
 */
import { randomUUID } from "node:crypto";
import { type BlobClient, BlobLeaseClient, type ContainerClient } from "@azure/storage-blob";
import type { ReplayLeaseHandle } from "../state-store";
import { isStatus } from "./tables";

const LEASE_BLOB = "change-queue";
export const MIN_LEASE_SECONDS = 15;
export const MAX_LEASE_SECONDS = 60;

export class AzureReplayLease implements ReplayLeaseHandle {
  private readonly blob: BlobClient;
  private readonly lease: BlobLeaseClient;
  private held = false;

  constructor(
    container: ContainerClient,
    private readonly ready: Promise<void>,
    private readonly leaseSeconds: number,
    readonly holder: string = randomUUID(),
  ) {
    if (!Number.isInteger(leaseSeconds) || leaseSeconds < MIN_LEASE_SECONDS || leaseSeconds > MAX_LEASE_SECONDS) {
      throw new RangeError(
        `A blob lease lasts ${MIN_LEASE_SECONDS} to ${MAX_LEASE_SECONDS} seconds; got ${leaseSeconds}.`,
      );
    }
    this.blob = container.getBlobClient(LEASE_BLOB);
    // A lease id must be a GUID; one per holder, so renewing needs nothing but this object.
    this.lease = new BlobLeaseClient(this.blob, randomUUID());
  }

  async acquire(): Promise<boolean> {
    await this.ready;
    if (this.held) {
      try {
        await this.lease.renewLease();
        return true;
      } catch (error) {
        // 409: the lease expired and another holder took it (or it was broken).
        if (!isStatus(error, 409)) throw error;
        this.held = false;
      }
    }
    try {
      await this.lease.acquireLease(this.leaseSeconds);
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
    this.held = true;
    await this.blob.setMetadata({ holder: this.holder }, { conditions: { leaseId: this.lease.leaseId } });
    return true;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    try {
      await this.lease.releaseLease();
    } catch (error) {
      // Already lost (expired and taken): nothing of ours to release.
      if (!isStatus(error, 409)) throw error;
    }
  }

  async currentHolder(): Promise<string | undefined> {
    await this.ready;
    const properties = await this.blob.getProperties();
    if (properties.leaseState !== "leased") return undefined;
    return properties.metadata?.holder ?? "another process";
  }
}

/** Creates the container and the (empty) lease blob once; existing ones are kept. */
export async function ensureLeaseBlob(container: ContainerClient): Promise<void> {
  await container.createIfNotExists();
  try {
    await container.getBlockBlobClient(LEASE_BLOB).upload("", 0, { conditions: { ifNoneMatch: "*" } });
  } catch (error) {
    // 409 BlobAlreadyExists, or 412 when it exists and is leased: either way it is there.
    if (!isStatus(error, 409, 412)) throw error;
  }
}
