import { TableClient } from "@azure/data-tables";
import { BlobServiceClient } from "@azure/storage-blob";
import { type AzuriteServer, startAzurite } from "../azurite";

describe("the Azurite test server", () => {
  let azurite: AzuriteServer;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(() => azurite.stop());

  it("serves tables with ETag concurrency and blobs, through the Azure SDKs", async () => {
    const table = TableClient.fromConnectionString(azurite.connectionString, "probe", {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: "p", rowKey: "r", value: 1 });
    const first = await table.getEntity<{ value: number }>("p", "r");
    await table.updateEntity({ partitionKey: "p", rowKey: "r", value: 2 }, "Replace", { etag: first.etag });
    await expect(
      table.updateEntity({ partitionKey: "p", rowKey: "r", value: 3 }, "Replace", { etag: first.etag }),
    ).rejects.toMatchObject({ statusCode: 412 });

    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("probe");
    await blobs.create();
    await blobs.getBlockBlobClient("b").upload("x", 1);
    expect((await blobs.getBlockBlobClient("b").downloadToBuffer()).toString()).toBe("x");
  });
});
