using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed, beside the loopback
/// addresses the framework trusts already (a proxy on the same machine, as docs/operations.md sets nginx up). Without
/// them every request behind a proxy was the proxy's: the credential-guessing limit counted all clients as one (a
/// guesser paused sign-in for everybody), the security log named the proxy, and the session cookie went out without
/// Secure under TLS the proxy ended. What any other client writes in those headers is ignored, and of the addresses in
/// <c>X-Forwarded-For</c> only the last (the one the proxy saw) is taken.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>IP addresses of proxies (<c>10.0.0.5</c>, <c>fd00::5</c>).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of proxies in CIDR form (<c>10.0.0.0/8</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];
}

internal static class ForwardedHeadersRegistration
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ForwardedHeadersSettings>().Bind(configuration.GetSection(ForwardedHeadersSettings.Section))
            .Validate(s => s.KnownProxies.All(p => IPAddress.TryParse(p?.Trim(), out _)),
                "ForwardedHeaders:KnownProxies takes IP addresses, one per entry (ForwardedHeaders__KnownProxies__0=10.0.0.5).")
            .Validate(s => s.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n?.Trim(), out _)),
                "ForwardedHeaders:KnownNetworks takes networks in CIDR form, one per entry (ForwardedHeaders__KnownNetworks__0=10.0.0.0/8).")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, settings) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in settings.Value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
            }

            foreach (var network in settings.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
            }
        });
        return services;
    }
}
