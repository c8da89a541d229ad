// The UI library, vendored (scripts/vendor-console): Preact with hooks, and htm
// for templates as tagged strings — ES modules, no build step, about 7 KB gzipped.
import { h, render } from './vendor/preact.js';
import { useState, useEffect, useRef, useMemo, useCallback, useReducer } from './vendor/hooks.js';
import htm from './vendor/htm.js';

export const html = htm.bind(h);
export { render, useState, useEffect, useRef, useMemo, useCallback, useReducer };
