<?php
// Populates and edits the test WordPress through its own API (php-cli, no HTTP).
// Usage: php wordpress_site.php WORDPRESS_DIR HOST ACTION JSON_FILE; prints a JSON result.
// Globals are prefixed: WordPress files loaded below set $action, $data and friends.
[, $fixture_root, $fixture_host, $fixture_action, $fixture_json] = $argv;
$fixture_data = json_decode(file_get_contents($fixture_json), true);
$_SERVER['HTTP_HOST'] = $fixture_host;
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
if ($fixture_action === 'install') {
    define('WP_INSTALLING', true);
}
require $fixture_root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

function insert_clinic_post(array $post, array $users): array {
    $categories = array_map(fn($name) => (int) wp_create_category($name), $post['categories']);
    $id = wp_insert_post([
        'post_title' => $post['title'], 'post_name' => $post['slug'], 'post_content' => $post['content'],
        'post_status' => 'publish', 'post_author' => $users[$post['author']],
        'post_date_gmt' => $post['date_gmt'], 'post_date' => get_date_from_gmt($post['date_gmt']),
        'post_category' => $categories, 'tags_input' => $post['tags'],
    ], true);
    if (is_wp_error($id)) {
        fwrite(STDERR, $id->get_error_message() . "\n");
        exit(1);
    }
    return describe($id);
}

function describe(int $id): array {
    $post = get_post($id);
    return ['id' => $id, 'slug' => $post->post_name, 'url' => get_permalink($id),
            'date_gmt' => $post->post_date_gmt, 'modified_gmt' => $post->post_modified_gmt];
}

function user_ids(): array {
    $ids = [];
    foreach (get_users(['fields' => ['ID', 'user_login']]) as $user) {
        $ids[$user->user_login] = (int) $user->ID;
    }
    return $ids;
}

$fixture_out = [];
if ($fixture_action === 'install') {
    wp_install($fixture_data['title'], 'admin', 'admin@clinic.test', true, '', 'admin-password-for-tests');
    wp_delete_post(1, true);  // "Hello world!" and "Sample Page": not part of our clinic
    wp_delete_post(2, true);
    update_option('timezone_string', $fixture_data['timezone']);
    update_option('gmt_offset', '');
    update_option('blogdescription', 'Non-surgical care for spine, joints and sports injuries');
    update_option('comment_moderation', 0);
    update_option('comment_previously_approved', 0);
    switch_theme($fixture_data['theme']);
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%postname%/');
    foreach ($fixture_data['authors'] as [$login, $display, $first, $last]) {
        wp_insert_user(['user_login' => $login, 'user_pass' => wp_generate_password(), 'role' => 'author',
                        'display_name' => $display, 'nickname' => $display, 'first_name' => $first,
                        'last_name' => $last, 'user_email' => "$login@clinic.test"]);
    }
    $users = user_ids();
    foreach ($fixture_data['categories'] as $name) {
        wp_create_category($name);
    }
    wp_delete_term(1, 'category');  // "Uncategorized" would list as an empty category
    foreach ($fixture_data['posts'] as $post) {
        $fixture_out['posts'][] = insert_clinic_post($post, $users);
    }
    foreach ($fixture_data['pages'] as [$title, $slug]) {
        $id = wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => $title,
                              'post_name' => $slug, 'post_content' => "<!-- wp:paragraph -->\n<p>$title "
                              . "Riverbend Spine &amp; Sports Clinic: call (555) 010-2000.</p>\n<!-- /wp:paragraph -->"]);
        $fixture_out['pages'][] = ['id' => $id, 'url' => get_permalink($id)];
    }
    $comment_ids = [];
    foreach ($fixture_data['comments'] as [$index, $author, $text, $parent]) {
        $post_id = $fixture_out['posts'][$index]['id'];
        // A day or two after the post, not "now".
        $fixture_gmt = gmdate('Y-m-d H:i:s', strtotime($fixture_out['posts'][$index]['date_gmt'] . ' UTC')
                              + 86400 * (1 + count($comment_ids[$index] ?? [])));
        $comment_ids[$index][] = wp_insert_comment([
            'comment_post_ID' => $post_id, 'comment_author' => $author, 'comment_content' => $text,
            'comment_author_email' => strtolower(str_replace(' ', '', $author)) . '@example.test',
            'comment_approved' => 1, 'comment_date_gmt' => $fixture_gmt,
            'comment_date' => get_date_from_gmt($fixture_gmt),
            'comment_parent' => $parent === null ? 0 : $comment_ids[$index][$parent]]);
    }
    flush_rewrite_rules(false);
} elseif ($fixture_action === 'edit') {
    $id = url_to_postid($fixture_data['url']);
    $post = get_post($id);
    // modified_gmt is "now": make sure it moves past the first crawl's fetch, second resolution.
    sleep(1);
    wp_update_post(['ID' => $id, 'post_content' => $post->post_content . "\n\n<!-- wp:paragraph -->\n<p>"
                    . $fixture_data['text'] . "</p>\n<!-- /wp:paragraph -->"]);
    $fixture_out = describe($id);
} elseif ($fixture_action === 'trash') {
    $id = url_to_postid($fixture_data['url']);
    wp_trash_post($id);
    $fixture_out = ['id' => $id];
} elseif ($fixture_action === 'add') {
    $fixture_out = insert_clinic_post($fixture_data['post'], user_ids());
} else {
    fwrite(STDERR, "unknown action $fixture_action\n");
    exit(2);
}
echo json_encode($fixture_out);
