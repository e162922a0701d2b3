// The import form without a page's worth of waiting in silence: the upload's progress, then a
// word that the rows are being checked. Without JavaScript the form posts as it is.
(function () {
  var form = document.getElementById('import-form');
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
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
      // The answer is a whole page: the report, or the forum the import was redirected to (whose
      // notice was shown to this request, so it is shown as answered rather than asked again).
      history.replaceState(null, '', request.responseURL || form.action);
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener('error', function () {
      button.disabled = false;
      form.submit();
    });
    request.send(new FormData(form));
  });
})();
