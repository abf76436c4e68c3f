// The trace types dashboard/figures draw (grep `go\.` in dashboard/): keep this list in step with them.
// A figure using another type draws nothing and logs "Trace type ... is not registered" in the browser.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/choroplethmap'),
]);
// scatter is part of core

// Charts below the fold wait until scrolled near (draw_when_near.js).
module.exports = require('./draw_when_near')(Plotly);
