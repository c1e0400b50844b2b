using SecureMonitor.Admin.Console;
using SecureMonitor.Admin.Rendering;
using Spectre.Console;

namespace SecureMonitor.Admin.Tests;

/// <summary>The console's own parts: words, completion, the line editor, times in the operator's zone.</summary>
public sealed class ConsoleTests
{
    [Theory]
    [InlineData("incident ack INC-1 --note \"on it now\"", new[] { "incident", "ack", "INC-1", "--note", "on it now" })]
    [InlineData("  hosts  ", new[] { "hosts" })]
    [InlineData("incident ack INC-1 --note 'say \"hi\"' x", new[] { "incident", "ack", "INC-1", "--note", "say \"hi\"", "x" })]
    [InlineData("thresholds set all cpu.total.warn=80 memory.used.critical=none", new[] { "thresholds", "set", "all", "cpu.total.warn=80", "memory.used.critical=none" })]
    [InlineData("a\\ b \"\"", new[] { "a b", "" })]
    public void Lines_split_into_words_as_a_shell_would(string line, string[] words)
    {
        Assert.Equal(words, CommandLine.Split(line, out _));
    }

    [Fact]
    public void An_unclosed_quote_is_reported()
    {
        CommandLine.Split("incident ack INC-1 --note \"on it", out var error);
        Assert.Equal("unclosed \" quote", error);
    }

    [Fact]
    public void Words_resolve_to_the_monitors_command_names()
    {
        Assert.Equal(("cluster.members", 0), Resolved("cluster", "members"));
        Assert.Equal(("incident.resolve", 3), Resolved("incident", "resolve", "INC-1", "--note", "x"));
        Assert.Equal(("alerts", 2), Resolved("alerts", "--since", "10m"));
        Assert.Null(CommandCatalog.Resolve(["cluster"]));
        Assert.Equal("'cluster' needs one of: members, leader", CommandCatalog.Suggest(["cluster"]));

        static (string, int) Resolved(params string[] words) =>
            CommandCatalog.Resolve(words) is var (command, arguments) ? (command.Wire, arguments.Count) : default;
    }

    [Theory]
    [InlineData("", "alerts,audit,cluster,exit,help,host,hosts,incident,incidents,keys,quit,status,tail,thresholds")]
    [InlineData("th", "thresholds")]
    [InlineData("thresholds ", "set,show")]
    [InlineData("keys r", "revoke,rotate")]
    [InlineData("alerts --s", "--severity,--since")]
    [InlineData("incident ack INC-1 --", "--note")]
    [InlineData("help inc", "incident,incidents")]
    [InlineData("zzz", "")]
    public void Tab_completes_command_words_and_options(string line, string expected)
    {
        Assert.Equal(expected, string.Join(',', CommandCatalog.Complete(line)));
    }

    [Fact]
    public void The_line_editor_completes_edits_and_recalls_history()
    {
        var output = new StringWriter();
        var keys = new ScriptedKeys();
        var editor = new LineEditor(keys, output, CommandCatalog.Complete);

        keys.Type("th").Press(ConsoleKey.Tab).Type("sh").Press(ConsoleKey.Tab).Type("web-01").Press(ConsoleKey.Enter);
        var first = editor.ReadLine("sm> ");
        keys.Type("hostz").Press(ConsoleKey.Backspace).Type("s").Press(ConsoleKey.Enter);
        var second = editor.ReadLine("sm> ");
        keys.Press(ConsoleKey.UpArrow).Press(ConsoleKey.UpArrow).Press(ConsoleKey.Enter);
        var recalled = editor.ReadLine("sm> ");
        keys.Type("status").Press(ConsoleKey.C, control: true).Type("audit").Press(ConsoleKey.Home).Press(ConsoleKey.Delete).Type("A")
            .Press(ConsoleKey.End).Type(" --since 1h").Press(ConsoleKey.Enter);
        var edited = editor.ReadLine("sm> ");
        keys.Press(ConsoleKey.D, control: true);
        var end = editor.ReadLine("sm> ");

        Assert.Equal("thresholds show web-01", first);
        Assert.Equal("hosts", second);
        Assert.Equal("thresholds show web-01", recalled);
        Assert.Equal("Audit --since 1h", edited);
        Assert.Null(end);
        Assert.Equal(["thresholds show web-01", "hosts", "thresholds show web-01", "Audit --since 1h"], editor.History);
        Assert.Contains("^C", output.ToString());
    }

    [Fact]
    public void Several_candidates_are_listed_on_a_second_tab()
    {
        var output = new StringWriter();
        var keys = new ScriptedKeys();
        var editor = new LineEditor(keys, output, CommandCatalog.Complete);

        keys.Type("keys r").Press(ConsoleKey.Tab).Press(ConsoleKey.Tab).Type("ev").Press(ConsoleKey.Tab).Press(ConsoleKey.Enter);
        var line = editor.ReadLine("sm> ");

        Assert.Equal("keys revoke ", line);
        Assert.Contains("revoke  rotate", output.ToString());
    }

    [Fact]
    public void Times_are_shown_in_the_operators_zone()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 300;
        var renderer = new ResultRenderer(console, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));

        renderer.Render("alerts", """{"alerts":[{"host":"web-01","receivedAt":"2026-01-31T23:30:00.000Z","severity":"critical","summary":"[red]not markup[/]"}]}""");

        var text = output.ToString();
        Assert.Contains("2026-02-01 08:30:00", text);
        Assert.Contains("times in Asia/Tokyo", text);
        Assert.Contains("[red]not markup[/]", text);
    }

    private sealed class ScriptedKeys : IKeySource
    {
        private readonly Queue<ConsoleKeyInfo> _keys = new();

        public ScriptedKeys Type(string text)
        {
            foreach (var c in text)
            {
                _keys.Enqueue(new ConsoleKeyInfo(c, ConsoleKey.NoName, shift: char.IsUpper(c), alt: false, control: false));
            }
            return this;
        }

        public ScriptedKeys Press(ConsoleKey key, bool control = false)
        {
            _keys.Enqueue(new ConsoleKeyInfo(key == ConsoleKey.Enter ? '\r' : '\0', key, shift: false, alt: false, control));
            return this;
        }

        public ConsoleKeyInfo ReadKey() => _keys.Dequeue();
    }
}
