import type { Locator, Page } from 'playwright-core';

/**
 * The notification toast (bottom right) whose message matches `text`: an information, warning or
 * error message, or a progress notification with its Cancel button.
 */
export function notificationToast(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-list-item', {
    has: page.locator('.notification-list-item-message', { hasText: text }),
  });
}

/** A button of a notification toast ("Show", "Cancel", "Manage Workspace Trust"). */
export function notificationButton(toast: Locator, label: string): Locator {
  return toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: label });
}

/**
 * The text the Output panel shows (the lines its editor has rendered: the end of the channel, which
 * the panel follows as it is written), with the editor's non-breaking spaces made plain.
 */
export async function outputPanelText(page: Page): Promise<string> {
  const lines = page.locator('.part.panel .monaco-editor .view-lines');
  if ((await lines.count()) === 0) return '';
  return (await lines.first().innerText()).replace(/\u00a0/g, ' ');
}
