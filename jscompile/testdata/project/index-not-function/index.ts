import './github/actions/create.js';
import './lib/helper.js';
