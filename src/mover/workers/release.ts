import { MessageChannel } from "node:worker_threads";

// A port closed at once: whatever is sent to it is dropped.
const sink = new MessageChannel().port1;
sink.close();

/**
 * Frees the memory behind `view` now rather than at the thread's next garbage collection, and
 * returns whether it did. A buffer transferred in a message is detached from this thread; sent
 * to a closed port, the message is dropped and the memory with it (Node 20 has no
 * `ArrayBuffer.prototype.transfer`). Restore's workers go through a 16 MiB pack and its
 * plaintext every few tens of milliseconds: left to the collector, the allocator holds on to
 * several packs' worth. Only a view of a whole, unshared buffer is released (never a slice of
 * a pooled one); `view` is empty afterwards and must not be used.
 */
export function release(view: Uint8Array): boolean {
  const buffer = view.buffer;
  if (!(buffer instanceof ArrayBuffer) || view.byteOffset !== 0 || view.byteLength !== buffer.byteLength) {
    return false;
  }
  // Node's pool of small buffers is 8 KiB and shared: nothing that small is released.
  if (buffer.byteLength < 64 * 1024) return false;
  sink.postMessage(buffer, [buffer]);
  return true;
}
