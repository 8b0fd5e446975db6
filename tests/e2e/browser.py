"""A browser's part of HTTP, over real sockets: cookies, CSRF tokens, forms, redirects, links.

No JavaScript: what the portal does without it (every page works without it) is what this drives.
Behind the production stack's TLS proxy the browser speaks HTTPS; here the proxy's header says so,
and cookies marked Secure are sent back as a browser behind that proxy would.
"""
import http.client
import mimetypes
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    id: str = ""
    fields: list = field(default_factory=list)  # (name, value), as the browser would send them untouched
    files: list = field(default_factory=list)  # names of file inputs
    buttons: list = field(default_factory=list)  # (id, name, value, text)
    selects: dict = field(default_factory=dict)  # name -> [(value, label)]

    def button(self, id=None, text=None):
        for button in self.buttons:
            if (id and button[0] == id) or (text and text in button[3]):
                return button
        return None


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.assets, self.forms = [], [], []
        self.form = None
        self._select = self._option = self._textarea = self._button = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "icon"):
            self.assets.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "form":
            self.form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(),
                             enctype=a.get("enctype", ""), id=a.get("id", ""))
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "file":
                self.form.files.append(a["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((a["name"], a.get("value", "on")))
            elif kind == "submit":
                self.form.buttons.append((a.get("id", ""), a["name"], a.get("value", ""), a.get("value", "")))
            else:
                self.form.fields.append((a["name"], a.get("value", "")))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._button = (a.get("id", ""), a.get("name", ""), a.get("value", ""))
            self._text = []
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.form.selects[self._select] = []
            self._chosen = None
        elif tag == "option" and self._select:
            self._option = (a.get("value"), "selected" in a)
            self._text = []
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._text = []

    def handle_data(self, data):
        self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif self.form is None:
            return
        elif tag == "button" and self._button:
            self.form.buttons.append((*self._button, " ".join("".join(self._text).split())))
            self._button = None
        elif tag == "option" and self._option and self._select:
            label = " ".join("".join(self._text).split())
            value = self._option[0] if self._option[0] is not None else label
            self.form.selects[self._select].append((value, label))
            if self._option[1] or self._chosen is None:
                self._chosen = value
            self._option = None
        elif tag == "select" and self._select:
            if self._chosen is not None:
                self.form.fields.append((self._select, self._chosen))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.form.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


@dataclass
class Page:
    method: str
    url: str  # path and query
    status: int
    headers: object
    body: bytes
    _parsed: object = None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def is_html(self):
        return "text/html" in self.headers.get("Content-Type", "")

    def _parse(self):
        if self._parsed is None:
            self._parsed = _PageParser()
            if self.is_html:
                self._parsed.feed(self.text)
        return self._parsed

    @property
    def links(self):
        return [urljoin(self.url, href) for href in self._parse().links]

    @property
    def assets(self):
        return [urljoin(self.url, src) for src in self._parse().assets]

    @property
    def forms(self):
        return self._parse().forms

    def form(self, *, button=None, action=None, field=None):
        """The form holding the button with this id (or text), or with this action, or with this field."""
        for form in self.forms:
            if (button and form.button(id=button, text=button)) or (action and action in form.action) or \
                    (field and any(name == field for name, _value in form.fields)):
                return form
        raise AssertionError(f"no form with button={button!r} action={action!r} field={field!r} on {self.url} "
                             f"({self.status}):\n{self.text[:3000]}")


class Browser:
    def __init__(self, stack, who="anonymous"):
        self.stack, self.who = stack, who
        self.cookies = {}
        self.via = ""  # the page whose link is being followed, for the record

    def request(self, method, url, body=None, content_type=None):
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": self.stack.host, "User-Agent": "portal-e2e (a browser without JavaScript)",
                   "Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "vi,en;q=0.5"}
        headers.update(self.stack.proxy_headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            origin = f"{self.stack.scheme}://{self.stack.host}"
            headers.update({"Origin": origin, "Referer": origin + path, "Content-Type": content_type})
        connection = http.client.HTTPConnection(self.stack.address, self.stack.port, timeout=180)
        try:
            mark = self.stack.log_mark()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = Page(method, path, response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in page.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] in ("0", 0):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self.stack.record(self.who, page, mark, self.via)
        return page

    def _follow(self, page, follow):
        for _ in range(10):
            if not (follow and page.status in (301, 302, 303, 307, 308)):
                return page
            target = urlsplit(urljoin(page.url, page.headers["Location"]))
            if target.netloc and target.netloc != self.stack.host:
                return page
            page = self.request("GET", target.path + (f"?{target.query}" if target.query else ""))
        raise AssertionError(f"redirect loop at {page.url}")

    def get(self, url, *, follow=True):
        return self._follow(self.request("GET", url), follow)

    def post(self, url, fields, *, files=None, follow=True):
        if files:
            boundary = uuid.uuid4().hex
            chunks = []
            for name, value in fields:
                chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                              .encode())
            for name, (filename, data) in files.items():
                kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                              f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode() + data + b"\r\n")
            body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
            page = self.request("POST", url, body, f"multipart/form-data; boundary={boundary}")
        else:
            page = self.request("POST", url, urlencode(fields).encode(), "application/x-www-form-urlencoded")
        return self._follow(page, follow)

    def submit(self, page, form, *, button=None, values=None, files=None, follow=True):
        """Send a form as a browser does: its fields as the page filled them, changed by `values`, and the
        pressed button's name and value."""
        values = dict(values or {})
        fields = [(name, values.pop(name, value)) for name, value in form.fields]
        fields += list(values.items())
        pressed = form.button(id=button, text=button) if button else None
        if pressed and pressed[1]:
            fields.append((pressed[1], pressed[2]))
        action = urljoin(page.url, form.action) if form.action else page.url
        if form.method == "get":
            return self.get(action.split("?")[0] + "?" + urlencode(fields), follow=follow)
        return self.post(action, fields, files=files, follow=follow)

    def sign_in(self, username, password):
        """Through the sign-in form; the page signed in users land on."""
        page = self.get("/accounts/login/")
        self.who = username
        return self.submit(page, page.form(button="login-submit"), values={"username": username, "password": password})
