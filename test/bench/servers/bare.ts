/** Baseline for bench:ingest: a bare Express app that reads the body and answers 200. */
import express from 'express';

const app = express();
app.post('/webhooks/whatsapp', express.raw({ type: () => true, limit: '8mb' }), (req, res) => {
  res.status(200).type('text/plain').send((req.body as Buffer).length > 0 ? 'EVENT_RECEIVED' : 'EMPTY');
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })}\n`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
