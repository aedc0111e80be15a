using System.Reflection;
using CeasefireWatch.Web.Data;
using Microsoft.AspNetCore.Connections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// What an operator reads when the app cannot start: one line saying what is wrong and what to do, on standard error,
/// and exit code 1. Without it the runtime printed "Unhandled exception", the whole stack trace a second time under the
/// host's own log of it, and aborted the process (exit 134), which on a machine set to keep core dumps left one.
/// </summary>
public static class StartFailure
{
    /// <summary>The process's exit code when it could not start.</summary>
    public const int ExitCode = 1;

    // SQLite primary result code for a file that is not a database (https://sqlite.org/rescode.html).
    private const int NotADatabase = 26;

    /// <summary>
    /// Whether <paramref name="failure"/>, escaping the start, is for this process to explain and exit on. Not when a
    /// WebApplicationFactory runs the app inside a test host (the entry assembly is then the test host's): the factory
    /// must receive the failure as it was thrown, and a HostAbortedException is how it stops the app's Main once it has
    /// the built host. Nor a cancelled start (Ctrl+C while starting).
    /// </summary>
    public static bool IsTheOperators(Exception failure) =>
        Assembly.GetEntryAssembly() == typeof(StartFailure).Assembly
        && failure is not HostAbortedException and not OperationCanceledException;

    /// <summary>
    /// The line to print for <paramref name="failure"/>; <paramref name="database"/> says which database was configured.
    /// A failure this does not know is printed whole: it is a bug, and its stack trace is what finds it.
    /// </summary>
    public static string Explain(Exception failure, string? database) =>
        "CeasefireWatch could not start. " + (Known(failure, database) ?? failure.ToString());

    /// <summary>The configured database as an operator knows it: the file, or the server and database (never a password).</summary>
    public static string Name(DatabaseSetup setup)
    {
        if (setup.IsPostgres)
        {
            var postgres = new Npgsql.NpgsqlConnectionStringBuilder(setup.ConnectionString);
            return $"{postgres.Host}/{postgres.Database}";
        }

        var file = new SqliteConnectionStringBuilder(setup.ConnectionString).DataSource;
        return string.IsNullOrEmpty(file) || file == ":memory:" ? file : Path.GetFullPath(file);
    }

    private static string? Known(Exception failure, string? database)
    {
        var where = string.IsNullOrWhiteSpace(database) ? string.Empty : $" ({database})";
        if (Outermost<SettingException>(failure) is { } setting)
        {
            return $"{setting.Message} See docs/operations.md for the settings.";
        }

        if (Innermost<AddressInUseException>(failure) is not null)
        {
            return $"{Outermost<IOException>(failure)?.Message ?? "The address is in use."} Another program, or CeasefireWatch " +
                "started twice, is listening there: stop it, or start on another address with --urls (for example --urls http://localhost:5081).";
        }

        if (Innermost<OptionsValidationException>(failure) is { } options)
        {
            return $"A setting is not valid: {string.Join(" ", options.Failures)} See docs/operations.md for the settings.";
        }

        if (Outermost<InvalidOperationException>(failure) is { InnerException: FormatException } conversion)
        {
            return $"A setting is not valid: {conversion.Message} See docs/operations.md for the settings.";
        }

        if (Innermost<SqliteException>(failure) is { SqliteErrorCode: NotADatabase })
        {
            return $"The database file{where} is not a SQLite database, or is damaged. Point ConnectionStrings:CeasefireWatch at " +
                "the right file, or restore it from a backup (docs/operations.md).";
        }

        if (StorageFailure.Is(failure))
        {
            var check = Innermost<SqliteException>(failure) is null
                ? "Check that the database server is running and this machine can reach it"
                : "Check that its folder exists and this user may write there, and that the disk has room";
            return $"{StorageFailure.Describe(failure)}{(database is null ? string.Empty : $" The database: {database}.")} {check} (docs/operations.md).";
        }

        if (Innermost<UnauthorizedAccessException>(failure) is { } denied)
        {
            return $"{denied.Message} Check that this user may create and write the database's folder{where}.";
        }

        return null;
    }

    private static T? Innermost<T>(Exception? failure)
        where T : Exception
    {
        T? found = null;
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                found = match;
            }
        }

        return found;
    }

    private static T? Outermost<T>(Exception? failure)
        where T : Exception
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }
}

/// <summary>
/// A setting the app cannot start with (an unknown database provider, a bootstrap administrator Identity refuses): its
/// message is written for the operator, and <see cref="StartFailure"/> prints it as it is.
/// </summary>
public sealed class SettingException(string message, Exception? innerException = null) : InvalidOperationException(message, innerException);
