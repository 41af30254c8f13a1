import { parentPort, workerData } from 'node:worker_threads';
import { PythonParser } from '../syntax/parser';
import { checkFile, type ScanSettings } from './check-file';
import type { ScanRequest, ScanResponse } from './scan';

/** A scan worker thread (started by scan.ts): its own parser, checks the files it is sent, in order. */
function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('the spawn-guard scan worker must run in a worker thread');
  const settings = workerData as ScanSettings;
  const parser = PythonParser.create();
  // Requests that arrive while the parser loads queue up on this chain, so replies keep request order.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: ScanRequest) => {
    queue = queue.then(async () => {
      let response: ScanResponse;
      try {
        const ready = await parser;
        const reports = request.tasks.map((task) => checkFile(ready, task.path, settings.profiles[task.profile], settings));
        response = { kind: 'reports', first: request.first, reports };
      } catch (error) {
        response = { kind: 'failed', message: (error as Error).stack ?? String(error) };
      }
      port.postMessage(response);
    });
  });
}

serve();
