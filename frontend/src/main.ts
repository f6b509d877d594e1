// First: libraries read navigator.language when they load (see locale.ts).
import './lib/locale';
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { createApi } from './lib/api';
import { Workbench } from './lib/workbench.svelte';

mount(App, {
  target: document.getElementById('app')!,
  props: { wb: new Workbench(createApi()) },
});
