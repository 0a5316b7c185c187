"""Copy the theme's static assets (CSS, JS) into ``site/static/``.

The theme's ``static/`` ships inside the package (``scrutiny/site/theme/static``);
the project's own ``site_templates/static`` overrides the theme's file of the
same name and may add files of its own. Nothing is fetched from elsewhere: every asset the site uses is here.
"""

from __future__ import annotations


def copy_static(dirs, writer) -> int:
    seen = {}
    for top in reversed(dirs):  # theme first, the project's own files win
        static = top / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                seen[path.relative_to(static).as_posix()] = path
    for rel in sorted(seen):
        data = seen[rel].read_bytes()
        from scrutiny.site.writer import input_key

        writer.write(f"static/{rel}", data, input_key(data))
    return len(seen)
