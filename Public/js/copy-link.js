// Copy buttons for the owner's booking links; without JavaScript the link itself stays visible.
document.querySelectorAll("button.copy-link").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = button.getAttribute("data-copy") || "";
    var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 2000); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { button.textContent = "Select and copy the link"; });
    } else {
      button.textContent = "Select and copy the link";
    }
  });
});
