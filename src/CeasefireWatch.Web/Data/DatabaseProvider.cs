namespace CeasefireWatch.Web.Data;

/// <summary>Which database the app runs on: <c>Database:Provider</c> (CONTRACT.md).</summary>
public enum DatabaseProvider
{
    /// <summary>The embedded default: one file, one machine, one app instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by any number of identical app instances.</summary>
    Postgres,
}

/// <summary>The database the app was configured with, for the few places that speak its dialect.</summary>
public sealed record DatabaseSetup(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderKey = "Database:Provider";

    /// <summary>
    /// On a shared database, how long a background worker (the escalation engine, the notification sender) sleeps at
    /// most before it looks at the database again: another instance may have added a deadline it was never woken for,
    /// or died holding one. <c>Database:SharedPollInterval</c>; an index seek each time.
    /// </summary>
    public TimeSpan SharedPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>The longest a background worker sleeps: its own limit alone, or the shared poll interval when other instances share the database.</summary>
    public TimeSpan LongestSleep(TimeSpan own) => IsPostgres && SharedPollInterval < own ? SharedPollInterval : own;

    /// <summary>Reads <c>Database:Provider</c>: <c>Sqlite</c> when absent, any case; anything else stops the start.</summary>
    public static DatabaseProvider ReadProvider(IConfiguration configuration)
    {
        var value = configuration[ProviderKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return DatabaseProvider.Sqlite;
        }

        return Enum.TryParse<DatabaseProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new Infrastructure.SettingException($"{ProviderKey} is '{value}': use Sqlite or Postgres.");
    }
}
