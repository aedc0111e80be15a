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

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

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
            : throw new InvalidOperationException($"{ProviderKey} is '{value}': use Sqlite or Postgres.");
    }
}
