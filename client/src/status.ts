import { DIAGNOSTIC_SOURCE } from '../../server/src/shared/protocol';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';

/**
 * The language status item shown for Python files: the server's state and the number of spawn hazards
 * in the active file; clicking it shows the logs. It only reads what the server published.
 */
export class SpawnGuardStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private serverState: State = State.Starting;

  constructor(selector: vscode.DocumentSelector, showLogsCommand: string) {
    this.item = vscode.languages.createLanguageStatusItem('spawnGuard.status', selector);
    this.item.name = 'Spawn Guard';
    this.item.command = { title: 'Show logs', command: showLogsCommand };
    this.subscriptions.push(
      vscode.languages.onDidChangeDiagnostics((event) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && event.uris.some((uri) => uri.toString() === active)) this.render();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    );
    this.render();
  }

  setServerState(state: State): void {
    this.serverState = state;
    this.render();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }

  private render(): void {
    this.item.busy = this.serverState === State.Starting;
    if (this.serverState !== State.Running) {
      this.item.text = this.serverState === State.Starting ? 'Spawn Guard: starting' : 'Spawn Guard: stopped';
      this.item.detail = this.serverState === State.Starting ? undefined : 'The language server is not running';
      this.item.severity =
        this.serverState === State.Stopped ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
      return;
    }
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    const document = vscode.window.activeTextEditor?.document;
    const hazards = document ? countHazards(document.uri) : 0;
    this.item.text = hazards === 0 ? '$(check) No spawn hazards' : `$(warning) ${hazards} spawn hazard${hazards === 1 ? '' : 's'}`;
    this.item.detail = 'Spawn Guard server running';
  }
}

function countHazards(uri: vscode.Uri): number {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE).length;
}
