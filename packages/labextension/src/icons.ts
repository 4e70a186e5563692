import { LabIcon } from '@jupyterlab/ui-components';

// A cylinder (a store) with a lightning bolt (fast): used by the toggle, the sidebar and settings.
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M11 2C6.6 2 3 3.3 3 5v14c0 1.7 3.6 3 8 3 .6 0 1.2 0 1.8-.1l.7-2c-.8.1-1.6.1-2.5.1-3.9 0-6-1.1-6-1.6v-2.6c1.5.8 3.7 1.2 6 1.2h.9l.7-2H11c-3.9 0-6-1.1-6-1.6V9.8C6.5 10.6 8.7 11 11 11s4.5-.4 6-1.2V11h2V5c0-1.7-3.6-3-8-3zm0 7C7.1 9 5 7.9 5 7.4V6.8C6.5 7.6 8.7 8 11 8s4.5-.4 6-1.2v.6c0 .5-2.1 1.6-6 1.6zm0-3C7.1 6 5 5.4 5 5s2.1-1 6-1 6 .6 6 1-2.1 1-6 1z"/>
    <path d="M17 12l-4 6h3l-1 5 5-7h-3l1-4z"/>
  </g>
</svg>`;

export const cacheIcon = new LabIcon({ name: 'xetcache:cache', svgstr: svg });
