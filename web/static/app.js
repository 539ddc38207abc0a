// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Upload: send the file in the background with a progress bar, then follow on to the
  // page that shows the document being read.
  function enhanceUpload(form) {
    var bar = form.querySelector("progress");
    var barBox = form.querySelector(".upload-progress");
    var status = form.querySelector(".upload-status");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !form.checkValidity()) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      barBox.hidden = false;
      status.textContent = "Uploading…";
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round(100 * e.loaded / e.total);
          bar.value = pct;
          status.textContent = pct < 100 ? "Uploading… " + pct + "%" : "Uploaded. Reading and tagging the document…";
        }
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = null; }
        if (answer && answer.next) { window.location.assign(answer.next); return; }
        button.disabled = false;
        barBox.hidden = true;
        status.textContent = (answer && answer.error) || "The upload failed. Please try again.";
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        barBox.hidden = true;
        status.textContent = "The upload did not reach the server. Check the connection and try again.";
      });
      xhr.send(new FormData(form));
    });
  }

  // Progress page: ask for the job's state every second and move on when it is done.
  function pollJob(box) {
    var url = box.getAttribute("data-job-status");
    var stateText = box.querySelector(".job-state");
    var elapsedText = box.querySelector(".job-elapsed");
    function tick() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (job.state === "done" || job.state === "failed") { window.location.assign(job.next); return; }
          var words = job.state === "queued" ? "Waiting for the file before it to finish" :
            "Splitting into paragraphs and tagging";
          if (stateText.textContent !== words) { stateText.textContent = words; }
          elapsedText.textContent = "(" + job.elapsed + " seconds so far)";
          window.setTimeout(tick, 1000);
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    window.setTimeout(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-upload]");
    if (form) { enhanceUpload(form); }
    var job = document.querySelector("[data-job-status]");
    if (job) { pollJob(job); }
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
}());
