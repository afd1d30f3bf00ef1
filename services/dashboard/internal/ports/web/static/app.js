// Progressive enhancement only: the page works without scripts.
document.addEventListener('DOMContentLoaded', function () {
  var print = document.getElementById('print');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }
});
// Print every table behind the charts.
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.setAttribute('data-was-open', d.open); d.open = true; });
});
window.addEventListener('afterprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = d.getAttribute('data-was-open') === 'true'; });
});
