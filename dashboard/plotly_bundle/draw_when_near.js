// Charts below the fold are drawn when scrolled near, not all at load: drawing 2-6 figures (maps included) at
// once blocked the main thread for seconds on a slow laptop or phone (bench/results/lighthouse.md).
// Dash's dcc.Graph draws with the global `Plotly.react`; this wraps it. A chart far from the window keeps its
// figure, and its place on the page (the figure's height), until it comes within MARGIN of the window; Dash waits
// for the returned promise as it would for the drawing itself. A chart drawn once is redrawn at once.
// Printing draws every chart first (`beforeprint`; the print button waits for `Plotly.drawAll()`).
'use strict';

var MARGIN_PX = 300; // start a little before the chart scrolls into view
var DEFAULT_HEIGHT_PX = 450; // plotly's own default figure height

module.exports = function drawWhenNear(Plotly) {
    if (typeof window === 'undefined' || typeof IntersectionObserver === 'undefined') return Plotly;
    var react = Plotly.react;
    var purge = Plotly.purge;
    var waiting = new Map(); // graph div -> {args, resolve, reject}

    function draw(gd) {
        var job = waiting.get(gd);
        if (!job) return Promise.resolve();
        waiting.delete(gd);
        observer.unobserve(gd);
        gd.style.minHeight = '';
        var drawn;
        try {
            drawn = Promise.resolve(react.apply(Plotly, job.args)); // synchronous: `beforeprint` lays out right after
        } catch (error) {
            drawn = Promise.reject(error);
        }
        drawn.then(job.resolve, job.reject);
        return drawn;
    }

    var observer = new IntersectionObserver(
        function (entries) {
            entries.forEach(function (entry) {
                if (entry.isIntersecting) draw(entry.target);
            });
        },
        { rootMargin: MARGIN_PX + 'px 0px' }
    );

    function nearWindow(gd) {
        var box = gd.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) return true; // not laid out (hidden): as before, drawn at once
        var height = window.innerHeight || document.documentElement.clientHeight;
        return box.top < height + MARGIN_PX && box.bottom > -MARGIN_PX;
    }

    function figureHeight(args) {
        var figure = args[1];
        var layout = (figure && figure.layout) || args[2] || {};
        return typeof layout.height === 'number' ? layout.height : DEFAULT_HEIGHT_PX;
    }

    Plotly.react = function (gd) {
        var args = arguments;
        if (typeof gd === 'string') gd = document.getElementById(gd);
        if (!gd || gd._fullLayout || window.__caeiPrinting || nearWindow(gd)) return react.apply(Plotly, args);
        var earlier = waiting.get(gd);
        return new Promise(function (resolve, reject) {
            if (earlier) {
                // a newer figure for a chart still waiting: the newer one is drawn, both callers are answered
                var answerEarlier = earlier.resolve;
                resolve = (function (own) {
                    return function (value) {
                        answerEarlier(value);
                        own(value);
                    };
                })(resolve);
            }
            waiting.set(gd, { args: args, resolve: resolve, reject: reject });
            gd.style.minHeight = figureHeight(args) + 'px'; // keeps its place: no jump when drawn
            observer.observe(gd);
        });
    };

    Plotly.purge = function (gd) {
        var element = typeof gd === 'string' ? document.getElementById(gd) : gd;
        if (element && waiting.has(element)) {
            waiting.delete(element);
            observer.unobserve(element);
        }
        return purge.apply(Plotly, arguments);
    };

    // Every chart still waiting, drawn now (printing; anything that needs the whole page).
    Plotly.drawAll = function () {
        return Promise.all(Array.from(waiting.keys()).map(draw));
    };

    window.addEventListener('beforeprint', function () {
        window.__caeiPrinting = true;
        Plotly.drawAll();
    });
    window.addEventListener('afterprint', function () {
        window.__caeiPrinting = false;
    });
    return Plotly;
};
