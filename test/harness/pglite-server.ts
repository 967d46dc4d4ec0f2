import type { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * PGlite served over the Postgres wire protocol, for server-mode tests with several clients
 * (API and worker processes, each with a pool).
 *
 * pglite-socket puts every client onto PGlite's one session message by message. Two clients'
 * extended-protocol batches (Parse/Bind/Execute/Sync, which postgres.js pipelines) then
 * interleave on the one unnamed portal ("portal does not exist"), and a statement of one client
 * can only be kept out of another's transaction if the transaction's owner has a message queued
 * at that very moment. Real Postgres gives each connection its own session; this gets as close
 * as one session allows: a client keeps its turn from its first message to the Sync (or simple
 * Query) that ends the batch, and for as long as a transaction it opened is in progress.
 */
export async function startPgliteServer(pglite: PGlite, port: number, maxConnections = 16): Promise<PGLiteSocketServer> {
  const server = new PGLiteSocketServer({ db: pglite, port, host: "127.0.0.1", maxConnections });
  serializeByBatchAndTransaction(server);
  await server.start();
  return server;
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

/** The parts of pglite-socket's (unexported) query queue that are replaced here. */
interface QueryQueue {
  db: PGlite;
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const SYNC = 0x53; // 'S'
const SIMPLE_QUERY = 0x51; // 'Q'

function serializeByBatchAndTransaction(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  /** The client whose batch is open (sent Parse/Bind/… but not yet its Sync). */
  let batchOwner: number | null = null;

  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = batchOwner ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === owner);
        // The owner's next message has not arrived yet: enqueue() calls back in when it does.
        if (index === -1) break;
        const item = this.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          item.reject(err);
          continue;
        }
        // A startup message starts with its length (a 0 byte), every other with a letter.
        const type = item.message[0]!;
        batchOwner = type === 0 || type === SYNC || type === SIMPLE_QUERY ? null : item.handlerId;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  // A client that disconnects mid-batch must not hold everyone else's turn.
  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (batchOwner === handlerId) {
      batchOwner = null;
      void queue.processQueue();
    }
  };
}
