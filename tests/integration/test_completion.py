"""Shell completion (bash, zsh, fish) and the man page, made by the binary from
its own help text: bash's `complete -p` after sourcing and completions run
through COMP_WORDS in a real bash; fish's `complete -C`; zsh's parser; and
`man -l` rendering the page."""
import os
import re
import shutil
import subprocess

import harness as h

SHELLS_TIMEOUT = 20


def shell(args, env_path=True, **kw):
    e = {"HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8", "TERM": "dumb",
         "RAWHTTP_GALLERY": os.path.join(h.SOURCE_DIR, "requests")}
    # The scripts call `rawhttp completion --gallery-names`: the binary under test comes first.
    e["PATH"] = os.path.dirname(h.RAWHTTP) + ":" + os.environ.get("PATH", "/usr/bin:/bin")
    p = subprocess.run(args, capture_output=True, timeout=SHELLS_TIMEOUT, env=e, **kw)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def need(program):
    if not shutil.which(program):
        raise h.Skip("%s is not installed (scripts/setup-deps test installs it)" % program)


def bash_complete(words, tmp):
    """What _rawhttp offers for the words typed (the last one being completed)."""
    need("bash")
    script = os.path.join(tmp, "rawhttp.bash")
    rc, out, err = h.run(["completion", "bash"])
    h.eq(rc, 0, "completion bash")
    open(script, "wb").write(out)
    quoted = " ".join("'%s'" % w for w in words)
    rc, out, err = shell(["bash", "--norc", "-c", "source '%s'; COMP_WORDS=(%s); COMP_CWORD=%d; _rawhttp; "
                          "printf '%%s\\n' \"${COMPREPLY[@]}\"" % (script, quoted, len(words) - 1)], cwd=tmp)
    h.eq(rc, 0, "bash ran the completion (stderr %r)" % err)
    return sorted(set(x for x in out.split("\n") if x))


def help_options(command):
    rc, out, err = h.run([command, "--help"])
    h.eq(rc, 0, "%s --help" % command)
    # The option lines of the Options: list (not options a footer mentions).
    names = set()
    for line in out.decode().splitlines():
        m = re.match(r"\s+(?:-\w,)?(--[a-z0-9][a-z0-9-]*)", line)
        if m:
            names.add(m.group(1))
    return names - {"--help"}


def commands():
    rc, out, err = h.run(["--help"])
    block = out.decode().split("Subcommands:", 1)[1]
    return [line.split()[0] for line in block.splitlines() if line.startswith("  ") and line.split()]


def test_bash_complete_p_after_sourcing(tmp):
    need("bash")
    rc, out, err = shell(["bash", "--norc", "-c", "source <('%s' completion bash) && complete -p rawhttp" % h.RAWHTTP])
    h.eq(rc, 0, "sourced (stderr %r)" % err)
    h.eq(out.strip(), "complete -o filenames -F _rawhttp rawhttp", "complete -p rawhttp")


def test_bash_completes_commands(tmp):
    h.eq(bash_complete(["rawhttp", "se"], tmp), ["send", "serve"], "rawhttp se<TAB>")
    h.eq(bash_complete(["rawhttp", "help", "com"], tmp), ["compare", "completion", "compose"], "rawhttp help com<TAB>")
    h.eq(bash_complete(["rawhttp", "completion", ""], tmp), ["bash", "fish", "zsh"], "rawhttp completion <TAB>")
    h.eq(bash_complete(["rawhttp", ""], tmp), sorted(commands() + ["help", "--help", "--version"]), "every command")


def test_bash_completes_options_values_and_gallery_names(tmp):
    h.eq(bash_complete(["rawhttp", "send", "--ti"], tmp), ["--timing"], "an option")
    h.eq(bash_complete(["rawhttp", "send", "--eol", ""], tmp), ["crlf", "keep", "lf"], "an option's values")
    h.eq(bash_complete(["rawhttp", "compose", "--vi"], tmp), [], "compose has no --via")
    got = bash_complete(["rawhttp", "send", "get-lo"], tmp)
    h.check("get-local.req" in got, "a gallery name: %r" % got)
    open(os.path.join(tmp, "mine.http"), "w").write("GET http://x/\n")
    h.eq(bash_complete(["rawhttp", "lint", "mi"], tmp), ["mine.http"], "a file")


def test_every_option_of_every_command_is_in_the_scripts(tmp):
    scripts = {}
    for sh in ("bash", "zsh", "fish"):
        rc, out, err = h.run(["completion", sh])
        h.eq(rc, 0, "completion %s" % sh)
        scripts[sh] = out.decode()
    for cmd in commands():
        opts = help_options(cmd)
        for opt in opts:
            h.check(opt in bash_complete(["rawhttp", cmd, opt], tmp), "bash completes %s %s" % (cmd, opt))
            h.check("'%s[" % opt in scripts["zsh"], "zsh knows %s %s" % (cmd, opt))
            h.check("-l %s " % opt[2:] in scripts["fish"], "fish knows %s %s" % (cmd, opt))


def test_fish_completes(tmp):
    need("fish")
    rc, out, err = h.run(["completion", "fish"])
    script = os.path.join(tmp, "rawhttp.fish")
    open(script, "wb").write(out)
    rc, out, err = shell(["fish", "--no-config", "-c", "source '%s'; complete -C 'rawhttp se'" % script])
    h.eq(rc, 0, "fish (stderr %r)" % err)
    h.eq(sorted(line.split("\t")[0] for line in out.splitlines()), ["send", "serve"], "rawhttp se<TAB> in fish")
    rc, out, err = shell(["fish", "--no-config", "-c", "source '%s'; complete -C 'rawhttp send --eol '" % script])
    h.eq(sorted(line.split("\t")[0] for line in out.splitlines()), ["crlf", "keep", "lf"], "--eol values in fish")
    rc, out, err = shell(["fish", "--no-config", "-c", "source '%s'; complete -C 'rawhttp send get-lo'" % script])
    h.check("get-local.req" in out, "gallery names in fish: %r" % out)


def test_zsh_script_parses_and_names_every_command(tmp):
    need("zsh")
    rc, out, err = h.run(["completion", "zsh"])
    script = os.path.join(tmp, "_rawhttp")
    open(script, "wb").write(out)
    text = out.decode()
    h.check(text.startswith("#compdef rawhttp\n"), "a #compdef file")
    rc, _, err = shell(["zsh", "-n", script])
    h.eq(rc, 0, "zsh -n (stderr %r)" % err)
    for cmd in commands():
        h.check("\n        '%s:" % cmd in text, "zsh describes %s" % cmd)
    # Loaded by compinit from fpath, as an installed _rawhttp is.
    rc, out, err = shell(["zsh", "-f", "-c", "fpath=('%s' $fpath); autoload -Uz compinit; compinit -u -D; "
                          "print -r -- ${_comps[rawhttp]}" % tmp])
    h.eq((rc, out.strip()), (0, "_rawhttp"), "compinit binds _rawhttp to rawhttp (stderr %r)" % err)


def test_man_page_renders(tmp):
    need("man")
    rc, out, err = h.run(["man"])
    h.eq(rc, 0, "rawhttp man")
    page = os.path.join(tmp, "rawhttp.1")
    open(page, "wb").write(out)
    rc, text, err = shell(["man", "--warnings", "-l", page], env_path=False)
    h.eq(rc, 0, "man -l (stderr %r)" % err)
    h.eq(err.strip(), "", "no roff warnings")
    h.check(re.match(r"RAWHTTP\(1\)", text.lstrip()), "the page's header: %r" % text[:200])
    for cmd in commands():
        h.check(("rawhttp %s" % cmd) in text, "the page has the command %s" % cmd)
    for opt in help_options("send"):
        h.check(opt in text, "the page has send %s" % opt)
    h.check("rawhttp send get-google.req -v --timing" in text, "the examples of send --help")


def test_the_build_made_the_installed_files_from_the_binary(tmp):
    folder = os.path.join(os.path.dirname(h.RAWHTTP), "shell")
    if not os.path.isdir(folder):
        raise h.Skip("not run from a CMake build folder")
    for name, args in [("rawhttp.bash", ["completion", "bash"]), ("_rawhttp", ["completion", "zsh"]),
                       ("rawhttp.fish", ["completion", "fish"]), ("rawhttp.1", ["man"])]:
        rc, out, err = h.run(args)
        h.eq(open(os.path.join(folder, name), "rb").read(), out, "%s is what %s prints" % (name, " ".join(args)))


if __name__ == "__main__":
    h.main(globals())
