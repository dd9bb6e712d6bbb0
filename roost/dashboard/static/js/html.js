// One import for what every module needs: the `html` tag (htm bound to Preact), Preact's render
// and hooks, and signals. Screens import from here, never from ../vendor directly.
import { h, render, Fragment, createRef } from "../vendor/preact.js";
import { useState, useEffect, useRef, useMemo, useCallback, useLayoutEffect, useId } from "../vendor/preact-hooks.js";
import htm from "../vendor/htm.js";
import { signal, computed, effect, batch, useSignal, useComputed } from "../vendor/signals.js";

export const html = htm.bind(h);
export { h, render, Fragment, createRef };
export { useState, useEffect, useRef, useMemo, useCallback, useLayoutEffect, useId };
export { signal, computed, effect, batch, useSignal, useComputed };
