using System.Net;
using System.Net.Sockets;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// Where a webhook may connect. A webhook is the server calling a URL a Supervisor typed, so the URL must not reach what
/// only the server can: link-local addresses (169.254.0.0/16, fe80::/10, and IPv6 forms that carry a 169.254 address),
/// where cloud hosts serve instance metadata and credentials (169.254.169.254), always; and, where the operator turns
/// <c>Notifications:AllowPrivateWebhookTargets</c> off, every address that is not globally reachable (loopback, the
/// private and carrier-grade NAT ranges, unique-local and site-local IPv6, multicast and the reserved blocks), so that a
/// Supervisor cannot use the delivery log's answers to map the server's own network. Checked on the addresses a
/// connection actually goes to, after name resolution, so a name that resolves there (or is made to, later) is refused
/// as well. Private targets are allowed by default: a receiver on the same machine or the organisation's own network is
/// a real use, and CONTRACT.md takes any http(s) URL.
/// </summary>
public static class WebhookAddresses
{
    /// <summary>
    /// Whether a webhook never connects to <paramref name="address"/>: link-local always; with
    /// <paramref name="refusePrivate"/> also every address that is not globally reachable.
    /// </summary>
    public static bool IsRefused(IPAddress address, bool refusePrivate = false)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsRefusedV4(address.GetAddressBytes(), refusePrivate);
        }

        if (address.IsIPv6LinkLocal
            || (refusePrivate && (address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast)))
        {
            return true;
        }

        // IPv6 forms that carry an IPv4 address a gateway or the kernel may deliver to: IPv4-mapped (::ffff:a.b.c.d),
        // NAT64's well-known prefix (64:ff9b::/96, RFC 6052), 6to4 (2002::/16, RFC 3056: bytes 2–5), the deprecated
        // IPv4-compatible ::a.b.c.d (which takes in :: and ::1), and NAT64's local-use prefix (64:ff9b:1::/48, RFC 8215),
        // where the operator picks the prefix length and so where the address sits: every place RFC 6052 allows within
        // it is checked; being for local use, the whole prefix is refused with the private ranges.
        var b = address.GetAddressBytes();
        return b switch
        {
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ..] => IsRefusedV4(b.AsSpan(12, 4), refusePrivate),
            [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..] => IsRefusedV4(b.AsSpan(12, 4), refusePrivate),
            [0x20, 0x02, ..] => IsRefusedV4(b.AsSpan(2, 4), refusePrivate),
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ..] => IsRefusedV4(b.AsSpan(12, 4), refusePrivate),
            [0, 0x64, 0xff, 0x9b, 0, 1, ..] =>
                refusePrivate
                || IsLinkLocalV4([b[6], b[7], b[9], b[10]]) // a /48
                || IsLinkLocalV4([b[7], b[9], b[10], b[11]]) // a /56
                || IsLinkLocalV4(b.AsSpan(9, 4)) // a /64
                || IsLinkLocalV4(b.AsSpan(12, 4)), // a /96
            _ => false,
        };
    }

    private static bool IsRefusedV4(ReadOnlySpan<byte> v4, bool refusePrivate) =>
        IsLinkLocalV4(v4) || (refusePrivate && !IsGloballyReachableV4(v4));

    private static bool IsLinkLocalV4(ReadOnlySpan<byte> v4) => v4 is [169, 254, _, _];

    /// <summary>Outside the IPv4 blocks IANA's special-purpose registry marks not globally reachable.</summary>
    private static bool IsGloballyReachableV4(ReadOnlySpan<byte> v4) => v4 switch
    {
        [0, ..] or [10, ..] or [127, ..] => false, // "this network", private, loopback
        [100, var b, _, _] when (b & 0xC0) == 64 => false, // 100.64.0.0/10, carrier-grade NAT
        [172, var b, _, _] when (b & 0xF0) == 16 => false, // 172.16.0.0/12
        [192, 168, _, _] or [192, 0, 0, _] or [192, 0, 2, _] => false, // private, protocol assignments, documentation
        [198, var b, _, _] when (b & 0xFE) == 18 => false, // 198.18.0.0/15, benchmarking
        [198, 51, 100, _] or [203, 0, 113, _] => false, // documentation
        [>= 224, _, _, _] => false, // multicast, reserved, broadcast
        _ => true,
    };

    /// <summary>
    /// Whether <paramref name="target"/> names a refused address literally (a rule is refused when it is made); with
    /// <paramref name="refusePrivate"/>, <c>localhost</c> and names under it too, which always mean loopback (RFC 6761).
    /// </summary>
    public static bool IsRefusedLiteral(string? target, bool refusePrivate = false) =>
        Uri.TryCreate(target?.Trim(), UriKind.Absolute, out var uri)
        && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? IPAddress.TryParse(uri.DnsSafeHost, out var address) && IsRefused(address, refusePrivate)
            : refusePrivate && IsLocalhostName(uri.IdnHost));

    private static bool IsLocalhostName(string host)
    {
        host = host.TrimEnd('.');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The webhook client's own network handler: it connects only to allowed addresses and does not follow redirects (a
    /// redirect is an answer but 2xx, retried as CONTRACT.md says, and following one would let a receiver send the
    /// server anywhere). Through a proxy (<paramref name="proxy"/>, by default the one HTTP_PROXY/HTTPS_PROXY name) the
    /// connection goes to the proxy, which resolves and reaches the target itself, so the target is checked before each
    /// request instead: its name as it resolves here and now (the proxy may resolve it otherwise later; only its own
    /// rules can stop that). <paramref name="refusePrivate"/>: refuse every address that is not globally reachable too.
    /// </summary>
    public static HttpMessageHandler CreateHandler(IWebProxy? proxy = null, bool refusePrivate = false)
    {
        proxy ??= HttpClient.DefaultProxy;
        return new ProxiedTargetCheck(proxy, refusePrivate, new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // The proxy is the operator's and often on their own network: only the targets are held to the private rule.
            ConnectCallback = (context, cancellationToken) =>
                ConnectAsync(context, refusePrivate && !IsToProxy(context, proxy), cancellationToken),
            Proxy = proxy,
        });
    }

    private static async Task<IPAddress[]> AllowedAddressesAsync(string host, bool refusePrivate, CancellationToken cancellationToken)
    {
        host = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => !IsRefused(a, refusePrivate)).ToArray();
        if (allowed.Length > 0)
        {
            return allowed;
        }

        var listed = string.Join(", ", addresses.Select(a => a.ToString()));
        throw new HttpRequestException(addresses.All(a => IsRefused(a))
            ? $"{host} has only link-local addresses ({listed}): webhooks never connect to one (cloud instance metadata lives there)."
            : $"{host} has only link-local, loopback or private addresses ({listed}): this server calls none of them (Notifications:AllowPrivateWebhookTargets is false).");
    }

    private static bool IsToProxy(SocketsHttpConnectionContext context, IWebProxy proxy) =>
        context.InitialRequestMessage.RequestUri is { IsAbsoluteUri: true } target
        && !proxy.IsBypassed(target)
        && proxy.GetProxy(target) is { } via
        && string.Equals(via.IdnHost.Trim('[', ']'), context.DnsEndPoint.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
        && via.Port == context.DnsEndPoint.Port;

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool refusePrivate, CancellationToken cancellationToken)
    {
        var allowed = await AllowedAddressesAsync(context.DnsEndPoint.Host, refusePrivate, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Checks every request, not every connection: plain-http requests through a proxy share its pooled connections,
    // whatever their targets.
    private sealed class ProxiedTargetCheck(IWebProxy proxy, bool refusePrivate, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { IsAbsoluteUri: true } target && !proxy.IsBypassed(target) && proxy.GetProxy(target) is not null)
            {
                try
                {
                    await AllowedAddressesAsync(target.IdnHost, refusePrivate, cancellationToken);
                }
                catch (SocketException)
                {
                    // Behind a proxy, names outside may not resolve here at all: the proxy resolves them. A name that
                    // does not resolve here cannot be shown refused here, and names that do are refused above.
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
