// A TCP proxy in front of Firebird that can silently stop forwarding (like a firewall DROP or a NAT
// idle timeout): sockets stay open, bytes just stop arriving.
import net from 'node:net';

export interface BlackholeProxy {
  port: number;
  /** Bytes forwarded from the server to the client so far. */
  serverBytes(): number;
  blackhole(): void;
  close(): Promise<void>;
}

export async function startProxy(targetHost: string, targetPort: number, options: { blackholeAfterServerBytes?: number } = {}): Promise<BlackholeProxy> {
  let dropped = false;
  let forwarded = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    client.on('data', (d) => {
      if (!dropped) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (dropped) return;
      forwarded += d.length;
      client.write(d);
      if (options.blackholeAfterServerBytes !== undefined && forwarded >= options.blackholeAfterServerBytes) dropped = true;
    });
    for (const s of [client, upstream]) s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    serverBytes: () => forwarded,
    blackhole: () => {
      dropped = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A server that accepts TCP connections and never answers (a login that hangs). */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  return listenOnLoopback(server, sockets);
}

/** Listens on an ephemeral loopback port; `close` destroys the open `sockets` first so the server can end. */
export async function listenOnLoopback(server: net.Server, sockets: Set<net.Socket>): Promise<{ port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
