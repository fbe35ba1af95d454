// The lesson walkthrough and its sandbox cluster: commands, status bar item and context keys.
import * as vscode from 'vscode';
import type { Services } from '../../platform/services';
import { LessonWalkthrough } from './lessonWalkthrough';
import { SandboxCommands } from './sandboxCommands';
import { SandboxState } from './sandboxState';

export interface WalkthroughApi {
  readonly sandbox: SandboxState;
  readonly lesson: LessonWalkthrough;
}

export function register(context: vscode.ExtensionContext, services: Services): WalkthroughApi {
  const state = new SandboxState(context.globalState, services);
  const commands = new SandboxCommands(services, state);
  const lesson = new LessonWalkthrough(services, state);
  const cmd = (id: string, fn: (arg?: unknown) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, fn);
  context.subscriptions.push(
    state,
    lesson,
    cmd('pgBackupStudio.sandbox.create', (a) => state.exclusive(() => commands.create(a))),
    cmd('pgBackupStudio.sandbox.start', () => state.exclusive(() => commands.start())),
    cmd('pgBackupStudio.sandbox.stop', () => state.exclusive(() => commands.stop())),
    cmd('pgBackupStudio.sandbox.remove', (a) => state.exclusive(() => commands.remove(a))),
    cmd('pgBackupStudio.sandbox.actions', () => commands.actions()),
    cmd('pgBackupStudio.sandbox.openSettings', () => lesson.openSettings()),
    cmd('pgBackupStudio.sandbox.openWal', () => lesson.openWal()),
    cmd('pgBackupStudio.walkthrough.markStep', (a) => lesson.markStep(a)),
    cmd('pgBackupStudio.walkthrough.open', () => lesson.open()),
  );
  if (vscode.workspace.getConfiguration('pgBackupStudio').get<boolean>('walkthrough.openOnStartup') === true) void lesson.open();
  return { sandbox: state, lesson };
}
