// Carebridge: start GOV.UK Frontend's components. Loaded as
// <script type="module" src="/assets/init.js"> (no inline scripts: CSP).
// A browser that runs ES modules is one GOV.UK Frontend supports, so the body
// classes that its page template normally sets inline are set here.
import { initAll } from '/assets/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();
