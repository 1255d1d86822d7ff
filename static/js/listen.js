// "Écouter" while the recorded audio is being made: the browser's own speech synthesis reads
// what this page shows (the title, the standfirst and the text this reader receives, never
// more). Without this script, or without speech synthesis, the button stays hidden and the
// page says the audio is on its way.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) return;
  var PARTS = "h1, .standfirst, .article__body p, .article__body h2, .article__body h3, .article__body h4, .article__body li";

  function linesOf(root) {
    var lines = [];
    root.querySelectorAll(PARTS).forEach(function (element) {
      var text = element.textContent.replace(/\s+/g, " ").trim();
      if (text) lines.push(text);
    });
    return lines;
  }

  function frenchVoice() {
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.toLowerCase().indexOf("fr") === 0) return voices[i];
    }
    return null;
  }

  document.querySelectorAll(".listen-fallback").forEach(function (button) {
    var root = document.querySelector(button.dataset.read);
    if (!root) return;
    var startLabel = button.textContent;
    var speaking = false;

    function stop() {
      window.speechSynthesis.cancel();
      speaking = false;
      button.textContent = startLabel;
      button.setAttribute("aria-pressed", "false");
    }

    button.addEventListener("click", function () {
      if (speaking) { stop(); return; }
      // Articles are written in French, whatever the language of the interface.
      var voice = frenchVoice();
      var lines = linesOf(root);
      // One utterance per paragraph: some browsers cut a long one short.
      lines.forEach(function (line, index) {
        var utterance = new SpeechSynthesisUtterance(line);
        utterance.lang = voice ? voice.lang : "fr-FR";
        if (voice) utterance.voice = voice;
        if (index === lines.length - 1) utterance.onend = stop;
        window.speechSynthesis.speak(utterance);
      });
      speaking = lines.length > 0;
      if (speaking) {
        button.textContent = button.dataset.stopLabel;
        button.setAttribute("aria-pressed", "true");
      }
    });
    button.hidden = false;
    window.addEventListener("pagehide", stop);
  });
})();
