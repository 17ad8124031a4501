/**
 * The per-row locks a batch chunk holds all at once (`runAll`): work on a row waits for the chunk
 * that holds it, and two chunks sharing rows — taken in any order — never wait on each other forever.
 */
import { KeyedMutex } from "../flows/keyed-mutex";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("KeyedMutex.runAll", () => {
  it("holds every key of a chunk: work on one of its rows runs after the chunk, work on another row does not wait", async () => {
    const locks = new KeyedMutex();
    const order: string[] = [];
    const release = deferred();
    const started = deferred();
    const chunk = locks.runAll(["on-hand:b", "on-hand:a"], async () => {
      order.push("chunk started");
      started.resolve();
      await release.promise;
      order.push("chunk done");
    });
    const sameRow = locks.run("on-hand:a", () => {
      order.push("row a");
      return Promise.resolve();
    });
    const otherRow = locks.run("on-hand:c", () => {
      order.push("row c");
      return Promise.resolve();
    });
    await Promise.all([otherRow, started.promise]);
    expect([...order].sort()).toEqual(["chunk started", "row c"]);
    release.resolve();
    await Promise.all([chunk, sameRow]);
    expect(order.slice(2)).toEqual(["chunk done", "row a"]);
  });

  it("lets two chunks that share rows, named in opposite orders, both finish, one after the other", async () => {
    const locks = new KeyedMutex();
    const running: string[] = [];
    const overlaps: string[][] = [];
    const work = (name: string) => async () => {
      running.push(name);
      overlaps.push([...running]);
      await new Promise((resolve) => setImmediate(resolve));
      running.splice(running.indexOf(name), 1);
      return name;
    };
    const results = await Promise.all([
      locks.runAll(["x", "y", "z"], work("first")),
      locks.runAll(["z", "y", "w"], work("second")),
      locks.runAll(["w"], work("third")),
    ]);
    expect(results).toEqual(["first", "second", "third"]);
    // The chunks sharing y and z never ran at the same time; nor did the two sharing w.
    for (const overlap of overlaps) {
      expect(overlap.includes("first") && overlap.includes("second")).toBe(false);
      expect(overlap.includes("second") && overlap.includes("third")).toBe(false);
    }
  });

  it("releases the keys when the chunk's work fails", async () => {
    const locks = new KeyedMutex();
    await expect(locks.runAll(["a", "b"], () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    await expect(locks.runAll(["b", "a"], () => Promise.resolve("next"))).resolves.toBe("next");
  });
});
