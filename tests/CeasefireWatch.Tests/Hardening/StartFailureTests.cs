using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CeasefireWatch.Tests.Infrastructure;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// The built app as a child process, started where it cannot run: it exits with 1 and says on standard error, in one
/// line, what is wrong and what to do. Before, the runtime printed the stack trace a second time and aborted (exit 134).
/// </summary>
[Trait("Database", "SqliteOnly")]
public sealed class StartFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_port_already_in_use_is_named_with_what_to_do()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var database = CeasefireWatchFactory.NewDatabasePath();
        try
        {
            var (exitCode, error) = await RunAsync(database, port);

            Assert.Equal(1, exitCode);
            var line = OneLine(error);
            Assert.Contains($"http://127.0.0.1:{port}", line, StringComparison.Ordinal);
            Assert.Contains("address already in use", line, StringComparison.Ordinal);
            Assert.Contains("--urls", line, StringComparison.Ordinal);
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_named_and_left_as_it_was()
    {
        var database = CeasefireWatchFactory.NewDatabasePath();
        var content = new byte[8192];
        new Random(26).NextBytes(content);
        await File.WriteAllBytesAsync(database, content, Ct);
        try
        {
            var (exitCode, error) = await RunAsync(database, FreePort());

            Assert.Equal(1, exitCode);
            var line = OneLine(error);
            Assert.Contains($"The database file ({database}) is not a SQLite database", line, StringComparison.Ordinal);
            Assert.Equal(content, await File.ReadAllBytesAsync(database, Ct));
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(database);
        }
    }

    [Theory]
    [InlineData("Health__MaxEngineLag", "soon", "Health:MaxEngineLag")]
    [InlineData("Database__Provider", "Oracle", "Database:Provider is 'Oracle'")]
    [InlineData("Escalation__Tier2After", "-01:00:00", "Tier2After")]
    public async Task A_setting_that_is_not_valid_is_named(string variable, string value, string named)
    {
        var database = CeasefireWatchFactory.NewDatabasePath();
        try
        {
            var (exitCode, error) = await RunAsync(database, FreePort(), (variable, value));

            Assert.Equal(1, exitCode);
            Assert.Contains(named, OneLine(error), StringComparison.Ordinal);
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(database);
        }
    }

    /// <summary>The one line said, with none of the runtime's "Unhandled exception" and no stack trace.</summary>
    private static string OneLine(string error)
    {
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("CeasefireWatch could not start. ", line, StringComparison.Ordinal);
        return line;
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(string database, string port, params (string Name, string Value)[] settings)
    {
        var start = RepositoryFiles.WebAppStartInfo(database, $"http://127.0.0.1:{port}", "Production");
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The app did not stop within 60 s. Its log: {await output}");
        }

        await output;
        return (process.ExitCode, await error);
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
