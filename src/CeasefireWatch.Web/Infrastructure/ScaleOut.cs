using StackExchange.Redis;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// What several app instances behind one load balancer share besides the database: SignalR messages, through Redis
/// when <c>SignalR:Redis</c> is set, so a change made through one instance reaches the pages connected to any other.
/// (Data-protection keys are shared in the database: see <see cref="ServiceRegistration.AddCeasefireWatchData"/>.)
/// </summary>
internal static class ScaleOut
{
    public const string RedisKey = "SignalR:Redis";

    /// <summary>Prefixes this deployment's Redis channels, so two deployments (or test runs) on one Redis stay apart.</summary>
    public const string ChannelPrefixKey = "SignalR:RedisChannelPrefix";

    public static IServiceCollection AddScaleOut(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration[RedisKey];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            var prefix = configuration[ChannelPrefixKey] is { Length: > 0 } configured ? configured : "CeasefireWatch";
            services.AddSignalR().AddStackExchangeRedis(redis, options =>
                options.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
        }

        return services;
    }
}
