// The import form without a page's worth of waiting in silence: the upload's progress, then a
// word that the rows are being checked. Without JavaScript the form posts as it is.
(function () {
  function bind() {
    var form = document.getElementById('import-form');
    if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;
    var status = document.getElementById('import-status');
    var bar = document.getElementById('import-progress');
    var button = document.getElementById('import-submit');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open('POST', form.action);
      status.hidden = false;
      bar.hidden = false;
      button.disabled = true;
      status.textContent = status.dataset.sending;
      request.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      request.upload.addEventListener('load', function () {
        bar.removeAttribute('value');
        status.textContent = status.dataset.checking;
      });
      request.addEventListener('load', function () {
        // Imported: the server sent the forum page (after its redirect); go there.
        if (request.responseURL && request.responseURL.indexOf('/import') === -1) {
          window.location.assign(request.responseURL);
          return;
        }
        var page = new DOMParser().parseFromString(request.responseText, 'text/html');
        var main = page.getElementById('main');
        if (!main) { form.submit(); return; }
        document.getElementById('main').replaceWith(main);
        var report = document.getElementById('import-report') || document.querySelector('.alert');
        if (report) report.scrollIntoView();
        bind();
      });
      request.addEventListener('error', function () {
        button.disabled = false;
        form.submit();
      });
      request.send(new FormData(form));
    });
  }
  bind();
})();
