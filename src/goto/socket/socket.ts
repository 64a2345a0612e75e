// Opening a WebSocket with a deadline, and a ping/pong liveness check (goto-protocol.md §5.5: the server answers pings).
import WebSocket from 'ws';

export class SocketOpenError extends Error {
  constructor(why: string) {
    super(`WebSocket connection failed: ${why}`);
    this.name = 'SocketOpenError';
  }
}

/** Connects; rejects on error, a non-101 answer or the deadline. The URL is a capability and is not in the error. */
export function openSocket(url: string, timeoutMs = 10_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const fail = (why: string): void => {
      closeQuietly(socket);
      reject(new SocketOpenError(why));
    };
    socket.once('open', () => {
      socket.removeAllListeners();
      resolve(socket);
    });
    socket.once('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode ?? '?'}`));
    socket.once('error', (error) => fail(error.message.replace(/wss?:\/\/\S+/g, '<url>')));
  });
}

/** Terminates a socket we are done with: no listener of ours fires again, and a late error is swallowed. */
export function closeQuietly(socket: WebSocket): void {
  socket.removeAllListeners();
  socket.on('error', () => undefined);
  socket.terminate();
}

/** Hands each text frame to `onText` (GoTo sends JSON text; binary frames are not part of the protocol). */
export function onTextFrame(socket: WebSocket, onText: (text: string) => void): void {
  socket.on('message', (data, isBinary) => {
    if (!isBinary) {
      onText(data.toString());
    }
  });
}

/**
 * Pings every `intervalMs`; when `missed` pings in a row get no pong, calls onDead (once).
 * S-cer pings every 8 s and gives up after 3 missing pongs. Returns a stop function.
 */
export function keepAlive(
  socket: WebSocket,
  intervalMs: number,
  missed: number,
  onDead: () => void,
): () => void {
  let unanswered = 0;
  let seq = 0;
  const onPong = (): void => {
    unanswered = 0;
  };
  socket.on('pong', onPong);
  const timer = setInterval(() => {
    if (unanswered >= missed) {
      stop();
      onDead();
      return;
    }
    unanswered++;
    if (socket.readyState === WebSocket.OPEN) {
      socket.ping(JSON.stringify({ sequence: ++seq }));
    }
  }, intervalMs);
  timer.unref();
  function stop(): void {
    clearInterval(timer);
    socket.off('pong', onPong);
  }
  return stop;
}
