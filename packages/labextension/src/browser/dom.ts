/** A tiny DOM helper for the cache browser (plain DOM: the lists are small). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, v);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** A minimal button with a data-action (and target) the widget's click handler dispatches on. */
export function actionButton(
  action: string,
  title: string,
  text: string,
  target?: string
): HTMLButtonElement {
  const b = el(
    'button',
    { class: 'jp-Button jp-mod-minimal jp-xetcache-button', 'data-action': action, title },
    text
  );
  if (target !== undefined) {
    b.dataset.target = target;
  }
  return b;
}
