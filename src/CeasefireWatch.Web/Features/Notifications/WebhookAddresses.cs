using System.Net;
using System.Net.Sockets;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// Where a webhook may connect. A webhook is the server calling a URL a Supervisor typed, so the URL must not reach what
/// only the server can: link-local addresses (169.254.0.0/16, fe80::/10, and IPv6 forms that carry a 169.254 address),
/// where cloud hosts serve instance metadata and credentials (169.254.169.254). Checked on the addresses a connection
/// actually goes to, after name resolution, so a name that resolves there (or is made to, later) is refused as well.
/// Loopback and private networks stay allowed: a receiver on the same machine or the organisation's own network is a
/// real use, and CONTRACT.md takes any http(s) URL.
/// </summary>
public static class WebhookAddresses
{
    /// <summary>Whether a webhook never connects to <paramref name="address"/>.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsLinkLocalV4(address.GetAddressBytes());
        }

        if (address.IsIPv6LinkLocal)
        {
            return true;
        }

        // IPv6 forms that carry an IPv4 address a gateway or the kernel may deliver to: IPv4-mapped (::ffff:a.b.c.d),
        // NAT64's well-known prefix (64:ff9b::/96, RFC 6052), 6to4 (2002::/16, RFC 3056: bytes 2–5), the deprecated
        // IPv4-compatible ::a.b.c.d, and NAT64's local-use prefix (64:ff9b:1::/48, RFC 8215), where the operator picks
        // the prefix length and so where the address sits: every place RFC 6052 allows within it is checked.
        var b = address.GetAddressBytes();
        return b switch
        {
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ..] => IsLinkLocalV4(b.AsSpan(12, 4)),
            [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..] => IsLinkLocalV4(b.AsSpan(12, 4)),
            [0x20, 0x02, ..] => IsLinkLocalV4(b.AsSpan(2, 4)),
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ..] => IsLinkLocalV4(b.AsSpan(12, 4)),
            [0, 0x64, 0xff, 0x9b, 0, 1, ..] =>
                IsLinkLocalV4([b[6], b[7], b[9], b[10]]) // a /48
                || IsLinkLocalV4([b[7], b[9], b[10], b[11]]) // a /56
                || IsLinkLocalV4(b.AsSpan(9, 4)) // a /64
                || IsLinkLocalV4(b.AsSpan(12, 4)), // a /96
            _ => false,
        };
    }

    private static bool IsLinkLocalV4(ReadOnlySpan<byte> v4) => v4 is [169, 254, _, _];

    /// <summary>Whether <paramref name="target"/> names a refused address literally (a rule is refused when it is made).</summary>
    public static bool IsRefusedLiteral(string? target) =>
        Uri.TryCreate(target?.Trim(), UriKind.Absolute, out var uri)
        && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        && IPAddress.TryParse(uri.DnsSafeHost, out var address)
        && IsRefused(address);

    /// <summary>
    /// The webhook client's own network handler: it connects only to allowed addresses and does not follow redirects (a
    /// redirect is an answer but 2xx, retried as CONTRACT.md says, and following one would let a receiver send the
    /// server anywhere). Through a proxy (<paramref name="proxy"/>, by default the one HTTP_PROXY/HTTPS_PROXY name) the
    /// connection goes to the proxy, which resolves and reaches the target itself, so the target is checked before each
    /// request instead: its name as it resolves here and now (the proxy may resolve it otherwise later; only its own
    /// rules can stop that).
    /// </summary>
    public static HttpMessageHandler CreateHandler(IWebProxy? proxy = null)
    {
        proxy ??= HttpClient.DefaultProxy;
        return new ProxiedTargetCheck(proxy, new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = ConnectAsync,
            Proxy = proxy,
        });
    }

    private static async Task<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        host = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => !IsRefused(a)).ToArray();
        return allowed.Length > 0
            ? allowed
            : throw new HttpRequestException(
                $"{host} has only link-local addresses ({string.Join(", ", addresses.Select(a => a.ToString()))}): webhooks never connect to one (cloud instance metadata lives there).");
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var allowed = await AllowedAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
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
    private sealed class ProxiedTargetCheck(IWebProxy proxy, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { IsAbsoluteUri: true } target && !proxy.IsBypassed(target) && proxy.GetProxy(target) is not null)
            {
                try
                {
                    await AllowedAddressesAsync(target.IdnHost, cancellationToken);
                }
                catch (SocketException)
                {
                    // Behind a proxy, names outside may not resolve here at all: the proxy resolves them. A name that
                    // does not resolve here cannot be shown link-local here, and names that do are refused above.
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
