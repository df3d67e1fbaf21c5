// Small page behaviours, wired by data- attributes so that pages carry no inline script or
// event handler (the Content-Security-Policy allows scripts from this site only).
document.addEventListener("DOMContentLoaded", () => {
  // <button data-locate data-lat="id_lat" data-lng="id_lng" data-status="locate-status">
  document.querySelectorAll("[data-locate]").forEach((button) => {
    button.addEventListener("click", () => {
      const status = document.getElementById(button.dataset.status);
      if (!navigator.geolocation) { status.textContent = "此设备不支持定位，请填写具体地点。"; return; }
      status.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition((pos) => {
        document.getElementById(button.dataset.lat).value = pos.coords.latitude.toFixed(6);
        document.getElementById(button.dataset.lng).value = pos.coords.longitude.toFixed(6);
        status.textContent = "已定位";
      }, () => { status.textContent = "定位失败，请填写具体地点。"; }, { timeout: 10000 });
    });
  });
  // <input data-go="?account=x">: choosing it loads that address.
  document.querySelectorAll("[data-go]").forEach((input) => {
    input.addEventListener("change", () => { window.location.search = input.dataset.go; });
  });
  // <a data-back>: back to the form the user was filling in (the link itself reloads it).
  document.querySelectorAll("a[data-back]").forEach((link) => {
    link.addEventListener("click", (event) => {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  });
  // <form data-submit-once>: its button is disabled on submit, so a double tap sends once.
  document.querySelectorAll("form[data-submit-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    });
  });
});
