// Posting, replying and recommending in place. Without this script the same forms post
// and the page comes back at the new comment: it only spares the reload.
(function () {
  "use strict";
  var section = document.getElementById("commentaires");
  if (!section || !window.fetch) return;
  var status = section.querySelector(".comments__status");
  var token = section.querySelector("[name=csrfmiddlewaretoken]");
  if (!token) return;

  function post(form) {
    var data = new FormData(form);
    if (!data.has("csrfmiddlewaretoken")) data.append("csrfmiddlewaretoken", token.value);
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token.value }
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    });
  }

  function announce(text) { if (status) status.textContent = text || ""; }

  // An error replaces whatever the last success said; a form without a text (recommending)
  // says it in the status line.
  function showErrors(form, errors) {
    announce("");
    var textarea = form.querySelector("textarea");
    if (!textarea) { announce(errors.join(" ")); return; }
    var box = form.querySelector(".errorlist");
    if (!box) {
      box = document.createElement("div");
      box.className = "errorlist";
      box.setAttribute("role", "alert");
      form.insertBefore(box, textarea.closest("label, .field") || form.firstChild);
    }
    box.textContent = errors.join(" ");
  }

  function clearErrors(form) {
    var box = form.querySelector(".errorlist");
    if (box) box.remove();
  }

  function showRecommendation(form, result) {
    var button = form.querySelector("button[type=submit]");
    button.setAttribute("aria-pressed", result.recommended ? "true" : "false");
    button.textContent = result.recommended ? button.dataset.given : button.dataset.notGiven;
    form.closest(".comment__actions").querySelector(".comment__recommendations").textContent = result.label;
  }

  function insertComment(result, form) {
    if (!result.html) return;
    var holder = document.createElement("div");
    holder.innerHTML = result.html;  // rendered and sanitized by the server
    var item = holder.firstElementChild;
    var list;
    if (result.thread) {
      var root = document.getElementById("commentaire-" + result.thread);
      list = root.querySelector(":scope > .comments__replies");
      if (!list) {
        list = document.createElement("ol");
        list.className = "comments__replies";
        root.appendChild(list);
      }
      list.appendChild(item);
    } else {
      list = section.querySelector(".comments__list");
      list.insertBefore(item, list.firstChild);
      var empty = section.querySelector(".comments__empty");
      if (empty) empty.remove();
    }
    section.querySelector(".comments__count").textContent = "(" + result.count + ")";
    item.setAttribute("tabindex", "-1");
    item.focus();
  }

  section.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.dataset.enhance;
    if (!kind) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    post(form).then(function (response) {
      if (!response.ok) { showErrors(form, response.json.errors || []); return; }
      clearErrors(form);
      announce(response.json.message);
      if (kind === "recommend") { showRecommendation(form, response.json); return; }
      insertComment(response.json, form);
      if (form.classList.contains("comment-form--reply")) form.remove();
      else form.reset();
    }).catch(function () { form.submit(); })
      .finally(function () { if (button) button.disabled = false; });
  });

  section.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reply]");
    if (link) {
      event.preventDefault();
      var actions = link.closest(".comment__actions");
      if (actions.nextElementSibling && actions.nextElementSibling.classList.contains("comment-form--reply")) return;
      var form = document.getElementById("reply-form-template").content.firstElementChild.cloneNode(true);
      form.action = link.href;
      actions.insertAdjacentElement("afterend", form);
      form.querySelector("textarea").focus();
      return;
    }
    if (event.target.matches("[data-cancel]")) event.target.closest("form").remove();
  });
})();
