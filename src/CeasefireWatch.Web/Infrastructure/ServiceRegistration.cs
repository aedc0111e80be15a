using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Infrastructure.Health;
using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>The composition root's parts, one method per concern, so Program.cs reads as a table of contents.</summary>
internal static class ServiceRegistration
{
    public const string ConnectionStringName = "CeasefireWatch";

    public static IServiceCollection AddCeasefireWatchData(
        this IServiceCollection services, IConfiguration configuration, IWebHostEnvironment environment)
    {
        var provider = DatabaseSetup.ReadProvider(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Postgres
                ? throw new SettingException($"{DatabaseSetup.ProviderKey} is Postgres: set ConnectionStrings:{ConnectionStringName} to an Npgsql connection string.")
                : $"Data Source={Path.Combine(environment.ContentRootPath, "App_Data", "ceasefirewatch.db")}";
        }

        services.AddSingleton(new DatabaseSetup(provider, connectionString)
        {
            SharedPollInterval = configuration.GetValue("Database:SharedPollInterval", TimeSpan.FromSeconds(2)),
        });
        // Contexts are pooled: building one per scope (its options, its internal services, finding its model) was a
        // sixth of an API request's time (docs/performance.md). The pool resets a context between scopes (tracked
        // entities, transaction, command timeout, connection closed); what an interceptor keeps per context is keyed
        // by the lease (NotificationOutbox's LeasedState), so nothing left by one scope reaches the next.
        if (provider == DatabaseProvider.Postgres)
        {
            // Past the command timeout a statement is a storage fault (503), as SQLite's busy timeout is.
            var commandTimeout = configuration.GetValue("Database:CommandTimeout", TimeSpan.FromSeconds(10));
            services.AddDbContextPool<AppDbContext, PostgresAppDbContext>((sp, options) => options
                .UseNpgsql(connectionString, npgsql => npgsql.CommandTimeout(Math.Max(1, (int)Math.Ceiling(commandTimeout.TotalSeconds))))
                .AddInterceptors(sp.GetServices<IInterceptor>()));
        }
        else
        {
            // Past the busy timeout a write is a storage fault (503); Microsoft.Data.Sqlite also retries a busy
            // statement until the command timeout, so both are the one setting.
            var busyTimeout = configuration.GetValue("Database:BusyTimeout", SqlitePragmas.DefaultBusyTimeout);
            var pragmas = new SqlitePragmas(busyTimeout);
            services.AddSingleton(pragmas);
            services.AddSingleton<IInterceptor>(pragmas);
            services.AddDbContextPool<AppDbContext>((sp, options) => options
                .UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds))))
                // Named, not found: without it EF Core looks for the compiled model by reflection on every new context
                // (a few percent of an API request, docs/performance.md).
                .UseModel(Data.CompiledModel.AppDbContextModel.Instance)
                // Every interceptor registered (the pragmas, the notification outbox; tests add fault injection the same way).
                .AddInterceptors(sp.GetServices<IInterceptor>())
                // SQLite table rebuilds (DropRegionTileGrid) switch foreign keys off and on around their own transaction,
                // which EF announces on every fresh database as a frightening "partially applied" warning. The rebuild
                // itself is transactional; only the pragma is not, and it is per connection. Debug, not Warning.
                .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Debug))));
        }

        // Keys that sign cookies and antiforgery tokens live in the database, so every instance honours what any issued
        // (PersistKeysToDbContext's table, read without a LINQ query: DataProtectionKeyStore).
        services.AddDataProtection().SetApplicationName("CeasefireWatch");
        services.AddSingleton<DataProtectionKeyStore>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<DataProtectionKeyStore>((keys, store) => keys.XmlRepository = store);
        // The first hosted service of all, ahead even of the framework's own (data protection reads its key ring from
        // the database at start): nothing may meet an unmigrated database.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseInitializer>());
        services.AddSingleton<WriteGate>();
        // Read on first use (the first dashboard), not on the way to listening: nothing before that needs the map.
        services.AddSingleton(_ => Features.Dashboard.RegionMap.Load());
        services.AddSingleton<Features.Dashboard.GetDashboard.TiersEnteredTally>();
        services.AddSingleton<Features.Dashboard.GetDashboard.SharedCounts>();
        services.AddCeasefireWatchHealth(configuration);
        return services;
    }

    public static IServiceCollection AddEscalation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EscalationOptions>()
            .Bind(configuration.GetSection(EscalationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<EscalationOptions>>().Value.ToPolicy());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<EscalationSignal>();
        services.AddSingleton<EscalationEngineStatus>();
        services.AddHostedService<EscalationEngine>();
        services.AddHostedService<WallClockWatch>();
        return services;
    }

    /// <summary>
    /// The storage's and the process's upkeep, on the app's clock: SQLite's write-ahead log folded into the database
    /// (and emptied at a clean stop), and the native heap's free memory handed back to the system.
    /// </summary>
    public static IServiceCollection AddUpkeep(this IServiceCollection services)
    {
        services.AddHostedService<WalCheckpointer>();
        services.AddHostedService<NativeHeapTrimmer>();
        return services;
    }

    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(LoggingBehavior<,>), typeof(AuthorizationBehavior<,>), typeof(ValidationBehavior<,>)];
        });
        // Singletons: a validator holds only its rules (and the clock, read when a rule runs), and building one for every
        // request was a few percent of it (docs/performance.md).
        services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentActor, HttpCurrentActor>();
        services.AddScoped<Features.Incidents.IncidentWorkflow>();
        // One intake per process: the group commit of new incidents.
        services.AddSingleton<Features.Incidents.IncidentIntake>();
        return services;
    }

    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddUiLocalization();
        services.AddRazorPages(o =>
        {
            // Every page needs at least a Viewer (the fallback policy); these need more.
            o.Conventions.AuthorizePage("/Incidents/New", Policies.Report);
            o.Conventions.AuthorizePage("/Incidents/Import", Policies.Report);
            o.Conventions.AuthorizeFolder("/Admin", Policies.Administer);
            o.Conventions.ConfigureFilter(new PageOutcomeFilter());
        }).AddViewLocalization().AddMvcOptions(o =>
        {
            LocalizedBindingMessages.Apply(o.ModelBindingMessageProvider);
            o.ModelBinderProviders.Insert(0, new ContractEnumModelBinderProvider());
            o.ModelBinderProviders.Insert(0, new StrictNumberModelBinderProvider());
        });
        services.AddProblemDetails();
        // After the framework's own writer, so that it comes second: it takes the API requests that one declines.
        services.AddSingleton<IProblemDetailsWriter, ApiProblemDetailsWriter>();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.ConfigureHttpJsonOptions(json =>
        {
            // The web defaults read "5" as 5; a number sent as text is a caller's mistake, named as such.
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            json.SerializerOptions.Converters.Add(new ContractEnumConverterFactory());
            json.SerializerOptions.Converters.Add(new OffsetRequiredDateTimeOffsetConverter());
        });

        // Without this a malformed body outside Development is a bare 400; with it, a problem-details body.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}
