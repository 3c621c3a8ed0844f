"""copy_file_if_changed: a published file whose content is the same keeps its time stamp (the style
sheets: a browser's cache, rsync and make judge by it); a changed one is replaced."""
import os

from corelib import atomic


def test_an_unchanged_copy_keeps_the_file_and_a_changed_one_replaces_it(tmp_path):
    source, target = tmp_path / "course.css", tmp_path / "dist" / "course.css"
    source.write_text("body { color: black; }\n")
    assert atomic.copy_file_if_changed(source, target, staging=tmp_path / "staging")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))  # an old time stamp, set, not read from a clock
    assert not atomic.copy_file_if_changed(source, target, staging=tmp_path / "staging")
    assert target.stat().st_mtime_ns == 1_000_000_000
    source.write_text("body { color: navy; }\n")
    assert atomic.copy_file_if_changed(source, target, staging=tmp_path / "staging")
    assert target.read_text() == "body { color: navy; }\n" and target.stat().st_mtime_ns != 1_000_000_000
