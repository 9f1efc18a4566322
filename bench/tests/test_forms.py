"""The rush's client reads a page's POST form as a browser would send it (bench/forms.py)."""

from bench.forms import form_fields, post_forms

PAGE = """<html><body>
<form method="get"><input name="q" value="search"></form>
<form method="post" action="/x/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="r1-version" value="3">
  <input name="r1-v7" inputmode="decimal">
  <input type="text" name="r1-v8" value="1.5">
  <input type="checkbox" name="r1-done">
  <input type="checkbox" name="r1-kept" value="on" checked>
  <input type="radio" name="r1-kind" value="a">
  <input type="radio" name="r1-kind" value="b" checked>
  <input type="file" name="r1-photo">
  <input name="">
  <select name="r1-source"><option value="city">市</option><option value="province" selected>省</option></select>
  <table><tr><td><textarea name="r1-progress">
  进展 &lt;一&gt;
  </textarea></td></tr></table>
  <button type="submit" name="action" value="save">保存</button>
  <input type="submit" name="action" value="submit">
</form>
<form method="POST"><input name="other" value="1"></form>
</body></html>"""


def test_the_fill_form_is_sent_as_a_browser_sends_it() -> None:
    assert form_fields(PAGE) == [
        ("csrfmiddlewaretoken", "tok"),
        ("r1-version", "3"),
        ("r1-v7", ""),
        ("r1-v8", "1.5"),
        ("r1-kept", "on"),
        ("r1-kind", "b"),
        ("r1-source", "province"),
        ("r1-progress", "进展 <一>"),
    ]


def test_every_post_form_is_read_and_get_forms_are_not() -> None:
    forms = post_forms(PAGE)
    assert len(forms) == 2
    assert forms[1] == [("other", "1")]


def test_a_page_without_the_fill_form_gives_no_fields() -> None:
    assert form_fields('<form method="post"><input name="a" value="1"></form>') == []
