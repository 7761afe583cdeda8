/** Browser entry of the sandbox console (bundled on the fly by the console server). */
import React from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('The console page has no #root element.');
createRoot(root).render(<App />);
