// Browser entry point: mount the app.
import { render } from 'preact';
import { App } from './app.tsx';
import './styles/base.css';
import './styles/card.css';
import './styles/pages.css';
import './styles/trace.css';

const root = document.getElementById('app');
if (root) {
  render(<App />, root);
}
